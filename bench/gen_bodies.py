#!/usr/bin/env python3
"""Deterministic generator of realistic export bodies for the classifier
benchmark (and for tests that need bulk data).

Writes JSON, XML and CSV bodies of about 1 KiB, 16 KiB, 256 KiB and 4 MiB into
--out: export-<size>.json, export-<size>.xml, export-<size>.csv. Each holds
customer records as a Chinese backend would export them: names, resident IDs
with valid MOD 11-2 check digits, mobiles, emails, Luhn-valid UnionPay cards,
addresses, plates, amounts, timestamps, order numbers, and Chinese free-text
notes of which about 10% carry personal data.

Standard library only; same seed => byte-identical output.
"""
import argparse
import json
import os
import random
from xml.sax.saxutils import escape

SIZES = {"1k": 1024, "16k": 16 * 1024, "256k": 256 * 1024, "4m": 4 * 1024 * 1024}

REGIONS = [
    ("110105", "北京市", "朝阳区", "京A"), ("310104", "上海市", "徐汇区", "沪A"),
    ("440305", "广东省深圳市", "南山区", "粤B"), ("330106", "浙江省杭州市", "西湖区", "浙A"),
    ("510107", "四川省成都市", "武侯区", "川A"), ("420106", "湖北省武汉市", "武昌区", "鄂A"),
    ("320102", "江苏省南京市", "玄武区", "苏A"), ("610113", "陕西省西安市", "雁塔区", "陕A"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
         "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "晓东", "子涵", "雨萱", "浩然"]
STREETS = ["中山路", "人民路", "建设路", "解放路", "长江路", "和平路", "科技园路", "世纪大道", "文三路", "学院路"]
ESTATES = ["阳光花园", "幸福里", "金色家园", "翠湖苑", "锦绣华庭", "书香苑"]
NOTES = ["客户要求周末送货，请提前电话联系。", "发票抬头与订单一致，已开具电子发票。",
         "商品已出库，预计三个工作日内送达。", "退换货请保留原包装及配件。",
         "会员积分已累计到账户，可在下次购物时抵扣。", "本订单参与满减活动，优惠已自动计算。",
         "包裹放在快递柜即可，无需等待。", "仓库备货中，如有缺货将另行通知。"]
PRODUCTS = [("SKU-10231", "不锈钢保温杯", "89.00"), ("SKU-20877", "无线蓝牙耳机", "299.00"),
            ("SKU-31002", "儿童安全座椅", "1299.00"), ("SKU-40555", "家用空气净化器", "1899.00")]
STATUSES = ["paid", "shipped", "delivered", "refunded", "pending"]


def ric(rng, region):
    y = rng.randint(1955, 2004)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    body = "%s%04d%02d%02d%03d" % (region, y, m, d, rng.randint(1, 999))
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * k for c, k in zip(body, w))
    return body + "10X98765432"[s % 11]


def luhn_complete(prefix, length):
    digits = prefix
    while len(digits) < length - 1:
        digits += str(random.randint(0, 9))
    total = 0
    for i, c in enumerate(reversed(digits)):
        v = int(c)
        if i % 2 == 0:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return digits + str((10 - total % 10) % 10)


def mobile(rng):
    return rng.choice(["138", "139", "135", "186", "159", "177", "182", "199"]) + "%08d" % rng.randint(0, 99999999)


def record(rng, i):
    code, prov, dist, plate = rng.choice(REGIONS)
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    phone = mobile(rng)
    note = rng.choice(NOTES)
    if rng.random() < 0.10:
        note = "联系人%s，电话%s，请按地址送达。" % (name, phone)
    random.seed(rng.random())
    return {
        "id": 100000 + i,
        "orderNo": "SO%d%06d" % (20261100 + rng.randint(1, 28), rng.randint(0, 999999)),
        "customer": {
            "name": name,
            "idCard": ric(rng, code),
            "mobile": phone,
            "email": "user%d@%s" % (rng.randint(1000, 99999), rng.choice(["qq.com", "163.com", "example.cn"])),
            "address": "%s%s%s%d号%s%d栋%d室" % (prov, dist, rng.choice(STREETS), rng.randint(1, 999),
                                            rng.choice(ESTATES), rng.randint(1, 30), rng.randint(101, 2504)),
        },
        "payment": {"card": luhn_complete("6222", 19), "amount": "%.2f" % (rng.random() * 5000),
                    "currency": "CNY", "paidAt": 1763700000000 + rng.randint(0, 10 ** 9)},
        "vehicle": {"plate": "%s%05d" % (plate, rng.randint(0, 99999))},
        "items": [{"sku": p[0], "title": p[1], "price": p[2], "qty": rng.randint(1, 3)}
                  for p in rng.sample(PRODUCTS, rng.randint(1, 2))],
        "status": rng.choice(STATUSES),
        "notes": note,
    }


def flat(rec):
    c, p = rec["customer"], rec["payment"]
    return [rec["id"], rec["orderNo"], c["name"], c["idCard"], c["mobile"], c["email"], c["address"],
            p["card"], p["amount"], p["paidAt"], rec["vehicle"]["plate"], rec["status"], rec["notes"]]


CSV_HEADER = ["id", "orderNo", "姓名", "身份证号", "手机号", "email", "地址", "银行卡号", "amount",
              "paidAt", "车牌号", "status", "备注"]


def render_json(recs):
    return json.dumps({"exportId": "EXP-20261122-001", "records": recs}, ensure_ascii=False,
                      separators=(",", ":"))


def render_xml(recs):
    out = ['<?xml version="1.0" encoding="UTF-8"?><export id="EXP-20261122-001">']
    for r in recs:
        c, p = r["customer"], r["payment"]
        out.append("<record><id>%d</id><orderNo>%s</orderNo><customer><name>%s</name><idCard>%s</idCard>"
                   "<mobile>%s</mobile><email>%s</email><address>%s</address></customer>"
                   "<payment><card>%s</card><amount>%s</amount></payment><plate>%s</plate>"
                   "<status>%s</status><notes>%s</notes></record>"
                   % (r["id"], r["orderNo"], escape(c["name"]), c["idCard"], c["mobile"], escape(c["email"]),
                      escape(c["address"]), p["card"], p["amount"], escape(r["vehicle"]["plate"]),
                      r["status"], escape(r["notes"])))
    out.append("</export>")
    return "".join(out)


def render_csv(recs):
    def cell(v):
        s = str(v)
        return '"%s"' % s.replace('"', '""') if any(ch in s for ch in ',"\n') else s
    lines = [",".join(CSV_HEADER)] + [",".join(cell(v) for v in flat(r)) for r in recs]
    return "\r\n".join(lines) + "\r\n"


def build(kind, target, seed):
    rng = random.Random(seed)
    recs = []
    render = {"json": render_json, "xml": render_xml, "csv": render_csv}[kind]
    # Each record's share of the body is measured alone, so the whole body
    # is rendered only once.
    size = len(render([]).encode())
    while True:
        r = record(rng, len(recs))
        extra = len(render([r]).encode()) - len(render([]).encode()) + 1
        if recs and size + extra > target:
            break
        recs.append(r)
        size += extra
    return render(recs).encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--sizes", default="1k,16k,256k,4m")
    ap.add_argument("--kinds", default="json,xml,csv")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for kind in args.kinds.split(","):
        for size in args.sizes.split(","):
            path = os.path.join(args.out, "export-%s.%s" % (size, kind))
            if os.path.exists(path):
                continue
            data = build(kind, SIZES[size], args.seed)
            with open(path, "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
