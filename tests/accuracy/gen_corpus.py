#!/usr/bin/env python3
"""Deterministic labelled corpus of realistic Chinese export documents.

Why: the classifier is judged on a hidden corpus of JSON/XML/CSV/form/text
bodies.  This generator builds an independent stand-in for it from the
public identifier formats (GB 11643, ISO 7812 Luhn, GB 32100, ISO 3779,
MIIT mobile prefixes ...), NOT from the classifier's code, so the evaluator
(eval.py) measures real precision/recall.

Output (--out DIR): one file per document plus manifest.json, a list of
  {"file": name, "content_type": media type,
   "expected": [[group, original text], ...],   # what must be found
   "negatives": [[kind, original text], ...]}   # hard negatives: must not be
Standard library only; the same --seed gives byte-identical output.
"""
import argparse
import json
import os
import random
import urllib.parse

# ---------------------------------------------------------------- validators
RIC_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
RIC_C = "10X98765432"
AREAS = ["110105", "110108", "310104", "310115", "440106", "440305", "330106",
         "320102", "510107", "420106", "370202", "350203", "610113", "500103",
         "210202", "230103", "130104", "410105", "430104", "450103"]


def ric_check(body17):
    return RIC_C[sum(int(c) * w for c, w in zip(body17, RIC_W)) % 11]


def luhn_check(body):
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


USCC_CH = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_check(body17):
    s = sum(USCC_CH.index(c) * w for c, w in zip(body17, USCC_W))
    return USCC_CH[(31 - s % 31) % 31]


VIN_T = {**{str(i): i for i in range(10)},
         **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))),
         "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
VIN_W = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_CH = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def vin_check(v):
    r = sum(VIN_T[c] * w for c, w in zip(v, VIN_W)) % 11
    return "X" if r == 10 else str(r)


def wrong(check, alphabet):
    return random_choice_not(alphabet, check)


def random_choice_not(alphabet, c):
    return R.choice([a for a in alphabet if a != c])


R = random.Random(0)

# ---------------------------------------------------------------- values


def ric(valid=True):
    body = R.choice(AREAS) + "%04d%02d%02d" % (R.randint(1950, 2005), R.randint(1, 12),
                                              R.randint(1, 28)) + "%03d" % R.randint(0, 999)
    c = ric_check(body)
    return body + (c if valid else random_choice_not(RIC_C, c))


def card(valid=True):
    length = R.choice([16, 19, 19])
    prefix = R.choice(["622202", "621700", "622848", "622588", "436742", "625966",
                       "622609", "621483", "6013820"])
    body = prefix + "".join(R.choice("0123456789") for _ in range(length - 1 - len(prefix)))
    c = luhn_check(body)
    return body + (c if valid else random_choice_not("0123456789", c))


def uscc(valid=True):
    body = R.choice(["91", "92", "93", "12", "52"]) + R.choice(AREAS) + \
        "".join(R.choice(USCC_CH[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    c = uscc_check(body)
    return body + (c if valid else random_choice_not(USCC_CH, c))


def vin(valid=True):
    wmi = R.choice(["LSV", "LFV", "LGB", "LVS", "LBV", "LHG", "LGW", "LRW", "LSG"])
    v = wmi + "".join(R.choice(VIN_CH) for _ in range(5)) + "0" + \
        R.choice("GHJKLMNPRS") + R.choice(VIN_CH) + "".join(R.choice("0123456789") for _ in range(6))
    c = vin_check(v)
    return v[:8] + (c if valid else random_choice_not("0123456789X", c)) + v[9:]


def imei(valid=True):
    body = R.choice(["86", "35", "86"]) + "".join(R.choice("0123456789") for _ in range(12))
    c = luhn_check(body)
    return body + (c if valid else random_choice_not("0123456789", c))


MOBILE_PREFIX = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                 "151", "152", "155", "156", "157", "158", "159", "166", "173", "177",
                 "180", "181", "182", "185", "186", "187", "188", "189", "191", "195",
                 "198", "199", "147", "176", "178", "183", "184"]


def mobile():
    return R.choice(MOBILE_PREFIX) + "".join(R.choice("0123456789") for _ in range(8))


def landline():
    area = R.choice(["010", "021", "020", "0755", "0571", "028", "027", "025", "0512"])
    n = R.choice("2345678") + "".join(R.choice("0123456789") for _ in range(7 if len(area) == 3 else 6))
    return area + "-" + n


def email():
    user = R.choice(["zhangwei", "li.na", "wang_fang88", "liuyang", "chenjing.hr",
                     "service", "yang.xiu", "hjq2019", "zhao_lei", "kf01"])
    dom = R.choice(["qq.com", "163.com", "126.com", "sina.com", "gmail.com",
                    "foxmail.com", "aliyun.com", "example.com.cn", "corp-mail.cn"])
    return user + (str(R.randint(1, 999)) if R.random() < .5 else "") + "@" + dom


def passport():
    return R.choice("EEEG") + "".join(R.choice("0123456789") for _ in range(8))


def ipv4():
    first = R.choice([10, 36, 58, 61, 101, 106, 112, 114, 117, 120, 172, 183, 192, 202, 218, 223])
    return "%d.%d.%d.%d" % (first, R.randint(0, 255), R.randint(0, 255), R.randint(1, 254))


PROV_ABBR = "京沪粤浙苏川鄂鲁闽陕渝辽黑冀豫湘桂皖赣"


def plate():
    p = R.choice(PROV_ABBR) + R.choice("ABCDEFGHJK")
    if R.random() < .3:
        return p + R.choice("DF") + "".join(R.choice("0123456789") for _ in range(5))
    # ordinary serial: 5 characters, at most two letters (GA 36 patterns)
    serial = [R.choice("0123456789") for _ in range(5)]
    for i in R.sample(range(4), R.choice([0, 1, 1, 2])):
        serial[i] = R.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")
    return p + "".join(serial)


SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
            "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
            "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜",
            "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭",
            "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟",
            "欧阳", "司马", "诸葛", "上官"]
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽浩宇轩然子涵梓萱博文一诺俊杰志强建国海波"


def name():
    g = "".join(R.choice(GIVEN) for _ in range(R.choice([1, 2, 2, 2])))
    return R.choice(SURNAMES) + g


CITIES = [("北京市", "", ["朝阳区", "海淀区", "东城区", "丰台区"]),
          ("上海市", "", ["浦东新区", "徐汇区", "静安区", "闵行区"]),
          ("广东省", "广州市", ["天河区", "越秀区", "番禺区"]),
          ("广东省", "深圳市", ["南山区", "福田区", "宝安区"]),
          ("浙江省", "杭州市", ["西湖区", "余杭区", "拱墅区"]),
          ("江苏省", "南京市", ["鼓楼区", "玄武区", "江宁区"]),
          ("四川省", "成都市", ["武侯区", "锦江区", "高新区"]),
          ("湖北省", "武汉市", ["洪山区", "江汉区", "武昌区"]),
          ("山东省", "青岛市", ["市南区", "崂山区"]),
          ("陕西省", "西安市", ["雁塔区", "碑林区"]),
          ("重庆市", "", ["渝中区", "江北区"]),
          ("福建省", "厦门市", ["思明区", "湖里区"])]
ROADS = ["建国路", "中山路", "人民路", "解放大道", "科技园南路", "文三路", "长江路", "天府大道",
         "和平里东街", "南京西路", "滨海大道", "学院路", "东风路", "延安西路"]


def address():
    prov, city, dists = R.choice(CITIES)
    d = R.choice(dists)
    road = R.choice(ROADS)
    tail = "%d号" % R.randint(1, 999)
    if R.random() < .5:
        tail += R.choice(["%d栋%d单元%d室" % (R.randint(1, 30), R.randint(1, 6), R.randint(101, 2802)),
                          "%s小区%d号楼%d" % (R.choice(["阳光", "幸福", "锦绣", "华府", "绿地"]),
                                          R.randint(1, 20), R.randint(101, 1802)),
                          "%d层" % R.randint(2, 30)])
    form = R.random()
    if form < .45:
        return prov + city + d + road + tail
    if form < .75:
        return (city or prov) + d + road + tail
    return d + road + tail


# ---------------------------------------------------------------- hard negatives


def neg_11digit():
    return R.choice(["10", "11", "12", "20", "00"]) + "".join(R.choice("0123456789") for _ in range(9))


def neg_order():
    return R.choice(["2023", "2024", "2025"]) + "%02d%02d" % (R.randint(1, 12), R.randint(1, 28)) + \
        "".join(R.choice("0123456789") for _ in range(R.choice([8, 10, 12])))


def neg_timestamp():
    return str(R.randint(1600000000, 1790000000)) + ("%03d" % R.randint(0, 999) if R.random() < .6 else "")


def luhn_fix(body):
    return body + luhn_check(body)


def neg_order15():
    """15-digit order number that passes Luhn by chance (date first: no
    IMEI reporting body starts with 20)."""
    return luhn_fix(R.choice(["2023", "2024", "2025"]) + "%02d%02d" % (R.randint(1, 12), R.randint(1, 28)) +
                    "".join(R.choice("0123456789") for _ in range(6)))


def neg_taxpayer15():
    """Legacy 15-digit taxpayer number (area code + organisation code digits),
    Luhn-valid by chance; 44/33/51... are also former IMEI reporting bodies."""
    return luhn_fix(R.choice(AREAS) + "".join(R.choice("0123456789") for _ in range(8)))


def neg_version(opaque=False):
    """Four-part version / build strings. Under an opaque key only the
    common one-digit major.minor form; under a named key any form."""
    if opaque or R.random() < .6:
        return "%d.%d.%d.%d" % (R.randint(1, 9), R.randint(0, 9), R.randint(0, 30), R.randint(0, 250))
    return "%d.%d.%d.%d" % (R.randint(10, 40), R.randint(0, 30), R.randint(0, 99), R.randint(0, 250))


def neg_oid():
    return "1.3.6.1.4.1.%d.%d.%d" % (R.choice([2011, 25506, 9, 311, 4881]), R.randint(1, 30), R.randint(1, 99))


# Categorical Chinese values that sit under opaque keys next to personal
# identifiers: statuses, couriers, products, departments, places.
CJK_WORDS = ("待付款 已取消 退货中 已完成 配送中 已揽收 派件中 问题件 已退回 待审核 已审核 已驳回 未知 苗族 彝族 "
             "土家族 普通会员 黄金会员 个体户 小微企业 本地 外地 城镇 人民币 美元 港币 微信支付 银联 货到付款 "
             "顺丰速运 中通快递 圆通速递 韵达快递 申通快递 京东物流 德邦物流 极兔速递 冷链 常温 冷冻 易碎品 "
             "电子产品 服装 食品 生鲜 日用品 化妆品 母婴 图书 家电 家具 充电宝 保温杯 洗发水 牙膏 纸巾 矿泉水 "
             "大米 食用油 月饼 粽子 茶叶 红酒 啤酒 咖啡 奶粉 口罩 维生素 感冒灵 布洛芬 阿莫西林 板蓝根 创可贴 "
             "体温计 轮椅 内科 外科 儿科 妇产科 急诊科 骨科 眼科 口腔科 皮肤科 中医科 门诊 住院 出院 复诊 初诊 "
             "医保 自费 已付 未付 部分退款 全额退款 异常 离线 在线 故障 维修中 已报废 北京 上海 广州 深圳 杭州 "
             "成都 武汉 南京 西安 重庆 天津 苏州 长沙 郑州 青岛 厦门 朝阳区 海淀区 浦东新区 天河区 南山区 "
             "西湖区 武侯区 江宁区 鼓楼区 思明区 经济开发区 早餐 午餐 晚餐 夜宵 张家界 周庄 黄山 马鞍山 "
             "石家庄 金华 常州 温州 宁波 洪湖 武夷山 王府井 何家湾 李家村 刘家庄 陈家祠 万达广场 "
             "康师傅 娃哈哈 农夫山泉 金龙鱼 王老吉 老干妈 周黑鸭 云南白药 同仁堂 杨国福麻辣烫").split()


def neg_uuid():
    h = "0123456789abcdef"
    parts = [8, 4, 4, 4, 12]
    return "-".join("".join(R.choice(h) for _ in range(n)) for n in parts)


NEG_MAKERS = {
    "ric-bad-check": lambda: ric(False),
    "card-bad-luhn": lambda: card(False),
    "uscc-bad-check": lambda: uscc(False),
    "vin-bad-check": lambda: vin(False),
    "imei-bad-luhn": lambda: imei(False),
    "11-digit-non-mobile": neg_11digit,
    "order-number": neg_order,
    "timestamp": neg_timestamp,
    "uuid": neg_uuid,
    "order-number-15-luhn": neg_order15,
    "version-string": neg_version,
    "oid": neg_oid,
}
VERSION_KEYS = ["appVersion", "fwVersion", "固件版本", "version", "buildNo", "osVer"]
CHECK_NEGS = {"ric-bad-check", "card-bad-luhn", "uscc-bad-check", "vin-bad-check", "imei-bad-luhn"}

# ---------------------------------------------------------------- surface variations
FW = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


def fullwidth(s):
    return "".join(FW.get(c, c) for c in s)


def spaced(group, s):
    """Separators the way people and systems type them."""
    if group == "mobile":
        sep = R.choice([" ", "-", " "])
        return s[:3] + sep + s[3:7] + sep + s[7:]
    if group == "bank_card":
        return " ".join(s[i:i + 4] for i in range(0, len(s), 4))
    if group == "ric":
        sep = R.choice([" ", "-"])
        return s[:6] + sep + s[6:14] + sep + s[14:]
    return s


def surface(group, v):
    """Return the text as written in the document (it is also the label)."""
    r = R.random()
    if group in ("mobile", "bank_card", "ric") and r < .2:
        return spaced(group, v)
    if group in ("mobile", "ric", "bank_card", "passport") and r < .3:
        return fullwidth(v)
    if group == "mobile" and r < .4:
        return R.choice(["+86 ", "+86-", "86-", "(+86)"]) + v
    return v


GEN = {"ric": ric, "bank_card": card, "uscc": uscc, "vin": vin, "imei": imei,
       "mobile": mobile, "landline": landline, "email": email, "passport": passport,
       "ip": ipv4, "plate": plate, "name": name, "address": address}

# field names: plain Chinese / English, and opaque keys
PLAIN_KEYS = {
    "ric": ["身份证号", "身份证号码", "id_card", "idNo", "certNo", "证件号码"],
    "bank_card": ["银行卡号", "bankCard", "card_no", "收款账号", "卡号"],
    "uscc": ["统一社会信用代码", "creditCode", "uscc", "纳税人识别号"],
    "vin": ["VIN", "vin", "车架号", "车辆识别代号"],
    "imei": ["IMEI", "imei", "设备IMEI"],
    "mobile": ["手机", "手机号", "mobile", "phone", "联系电话", "tel"],
    "landline": ["座机", "固定电话", "landline", "办公电话"],
    "email": ["邮箱", "email", "电子邮件", "mail"],
    "passport": ["护照号", "passportNo", "护照号码", "passport"],
    "ip": ["ip", "客户端IP", "clientIp", "登录IP", "remote_addr"],
    "plate": ["车牌号", "plateNo", "车牌", "license_plate"],
    "name": ["姓名", "收货人", "联系人", "name", "患者姓名", "持卡人", "receiverName", "员工姓名"],
    "address": ["地址", "收货地址", "address", "家庭住址", "详细地址", "receiverAddress", "住址"],
}
OPAQUE_KEYS = ["f1", "f2", "c_03", "k9", "v", "a1", "x7", "col5", "p", "d2"]

# chat / free-text templates: {v} is the identifier
FREE = {
    "ric": ["我的身份证号是{v}，麻烦帮忙核实一下", "身份证号码:{v}", "证件号{v}已登记"],
    "bank_card": ["退款请打到我的卡上：{v}，谢谢", "尾号不对，完整卡号{v}", "银行卡号：{v}（工商银行）"],
    "uscc": ["开票信息：统一社会信用代码{v}", "公司税号 {v}"],
    "vin": ["车架号{v}的车辆今天进店保养", "VIN:{v} 上报故障码P0420"],
    "imei": ["设备IMEI {v} 离线超过24小时", "IMEI号：{v}"],
    "mobile": ["手机：{v}", "有问题请联系我{v}，白天都在", "电话{v}打不通，请改约", "我的号码是{v}"],
    "landline": ["公司电话{v}转人事部", "座机：{v}"],
    "email": ["简历已发送至{v}，请查收", "邮箱{v}", "请联系 {v} 获取发票"],
    "passport": ["护照号码：{v}，有效期至2030年", "出境旅客护照号{v}"],
    "ip": ["登录IP {v} 异常，已冻结", "来源地址{v}"],
    "plate": ["车牌号{v}于今日进入园区", "{v}违停，请尽快挪车"],
    "name": ["收货人：{v}", "您好，我是{v}，订单还没收到", "患者{v}，男，45岁，主诉头痛三天", "经办人{v}"],
    "address": ["请送到{v}，放门卫", "收货地址：{v}", "家庭住址{v}"],
}
NEG_FREE = ["订单号{v}已发货", "流水号：{v}", "时间戳{v}", "请求ID {v}", "单号{v}", "编号{v}"]
NEG_FREE_KIND = {"version-string": ["固件版本 {v} 已推送", "当前版本号{v}，请升级"],
                 "oid": ["告警OID {v}", "SNMP {v} 超时"]}
NEG_KEYS = ["orderId", "订单号", "trace_id", "ts", "serialNo", "流水号", "requestId", "编号", "k2", "c_09"]
FILLER = ["商品：无线蓝牙耳机 x1", "备注：工作日配送", "诊断：上呼吸道感染", "部门：财务部",
          "车速 62km/h，电池SOC 78%", "交易摘要：消费", "客服：亲，已为您登记", "状态：已签收",
          "金额 1299.00 元", "岗位：高级工程师", "处方：阿莫西林胶囊 0.25g"]

SCENARIOS = {
    "ecommerce": ["name", "mobile", "address", "email", "ip", "bank_card"],
    "hr": ["name", "ric", "mobile", "email", "bank_card", "address", "passport"],
    "hospital": ["name", "ric", "mobile", "address", "landline"],
    "logistics": ["name", "mobile", "address", "plate", "landline"],
    "bank": ["name", "bank_card", "ric", "mobile", "uscc"],
    "chat": ["name", "mobile", "address", "ric", "bank_card", "email", "passport"],
    "telemetry": ["vin", "imei", "plate", "ip", "name", "mobile"],
    "b2b": ["uscc", "name", "landline", "email", "address"],
}


def make_record(groups, expected, negatives, opaque):
    """A list of (key, value) fields; labels appended to expected/negatives."""
    fields = []
    for g in groups:
        if R.random() < .15:
            continue
        raw = GEN[g]()
        text = surface(g, raw)
        key = R.choice(OPAQUE_KEYS) if opaque else R.choice(PLAIN_KEYS[g])
        fields.append((key, text))
        expected.append([g, text])
    for _ in range(R.randint(1, 3)):
        kind = R.choice(list(NEG_MAKERS))
        v = neg_version(opaque) if kind == "version-string" else NEG_MAKERS[kind]()
        if opaque:
            key = R.choice(OPAQUE_KEYS)
        else:
            key = R.choice(VERSION_KEYS if kind == "version-string" else NEG_KEYS)
        fields.append((key, v))
        negatives.append([kind, v])
    if opaque and R.random() < .6:
        v = R.choice(CJK_WORDS)
        fields.append((R.choice(OPAQUE_KEYS), v))
        negatives.append(["cjk-word", v])
    if "imei" not in groups and R.random() < .15:
        v = neg_taxpayer15()
        fields.append((R.choice(OPAQUE_KEYS) if opaque else R.choice(["taxNo", "nsrsbh", "税号"]), v))
        negatives.append(["taxpayer-15", v])
    R.shuffle(fields)
    return fields


def free_text(groups, expected, negatives):
    lines = []
    for g in groups:
        if R.random() < .2:
            continue
        text = surface(g, GEN[g]())
        lines.append(R.choice(FREE[g]).format(v=text))
        expected.append([g, text])
        if R.random() < .5:
            lines.append(R.choice(FILLER))
    for _ in range(R.randint(1, 2)):
        kind = R.choice(list(NEG_MAKERS))
        v = NEG_MAKERS[kind]()
        lines.append(R.choice(NEG_FREE_KIND.get(kind, NEG_FREE)).format(v=v))
        negatives.append([kind, v])
    R.shuffle(lines)
    return lines


def uniq_keys(fields):
    seen, out = {}, []
    for k, v in fields:
        n = seen.get(k, 0)
        seen[k] = n + 1
        out.append((k if n == 0 else "%s_%d" % (k, n), v))
    return out


def doc_json(groups, exp, neg, nested):
    recs = []
    for _ in range(R.randint(1, 4)):
        opaque = R.random() < .3
        rec = dict(uniq_keys(make_record(groups, exp, neg, opaque)))
        if R.random() < .3:
            rec["remark"] = "；".join(free_text(groups[:2], exp, neg))
        recs.append(rec)
    if nested:
        body = {"code": 0, "msg": "success", "data": {"total": len(recs), "list": recs,
                                                       "exportedAt": "2025-03-01T10:00:00+08:00"}}
    else:
        body = recs if R.random() < .5 else {"records": recs}
    return json.dumps(body, ensure_ascii=R.random() < .15, indent=R.choice([None, 2])), "application/json"


def doc_ndjson(groups, exp, neg):
    lines = []
    for _ in range(R.randint(2, 5)):
        rec = dict(uniq_keys(make_record(groups, exp, neg, R.random() < .3)))
        rec["level"] = "INFO"
        lines.append(json.dumps(rec, ensure_ascii=False))
    return "\n".join(lines) + "\n", "application/x-ndjson"


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def xml_tag(k):
    return k if k[0].isalpha() or ord(k[0]) > 127 else "f" + k


def doc_xml(groups, exp, neg):
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<export>"]
    for i in range(R.randint(1, 4)):
        fields = uniq_keys(make_record(groups, exp, neg, R.random() < .3))
        attrs = [f for f in fields if R.random() < .3]
        elems = [f for f in fields if f not in attrs]
        a = "".join(' %s="%s"' % (xml_tag(k), xml_escape(v)) for k, v in attrs)
        out.append('  <record seq="%d"%s>' % (i + 1, a))
        for k, v in elems:
            out.append("    <%s>%s</%s>" % (xml_tag(k), xml_escape(v), xml_tag(k)))
        out.append("  </record>")
    out.append("</export>")
    return "\n".join(out) + "\n", "application/xml"


def doc_csv(groups, exp, neg):
    opaque = R.random() < .3
    gs = [g for g in groups if R.random() < .85] or groups[:1]
    header = [R.choice(OPAQUE_KEYS) + str(i) if opaque else PLAIN_KEYS[g][0] for i, g in enumerate(gs)]
    header.append("订单号" if not opaque else "z9")
    rows = [",".join(header)]
    for _ in range(R.randint(2, 6)):
        cells = []
        for g in gs:
            text = surface(g, GEN[g]())
            exp.append([g, text])
            cells.append('"%s"' % text if ("," in text or R.random() < .3) else text)
        nv = neg_order()
        neg.append(["order-number", nv])
        cells.append(nv)
        rows.append(",".join(cells))
    bom = "\ufeff" if R.random() < .5 else ""
    return bom + "\r\n".join(rows) + "\r\n", "text/csv"


def doc_form(groups, exp, neg):
    fields = uniq_keys(make_record(groups, exp, neg, R.random() < .3))
    return urllib.parse.urlencode(fields), "application/x-www-form-urlencoded"


def doc_text(groups, exp, neg):
    head = R.choice(["【客服会话记录】", "门诊病历", "物流异常工单", "员工入职登记", "对账说明"])
    lines = [head] + free_text(groups, exp, neg)
    if R.random() < .5:
        lines = ["[2025-02-%02d 10:%02d:%02d] %s: %s" % (R.randint(1, 28), R.randint(0, 59), R.randint(0, 59),
                                                       R.choice(["客户", "客服"]), line) for line in lines]
    return "\n".join(lines) + "\n", "text/plain"


FORMATS = ["json", "json_nested", "ndjson", "xml", "csv", "form", "text", "text"]
EXT = {"application/json": "json", "application/x-ndjson": "ndjson", "application/xml": "xml",
       "text/csv": "csv", "application/x-www-form-urlencoded": "form", "text/plain": "txt"}


def generate(out, n_docs, seed):
    global R
    R = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    manifest = []
    for i in range(n_docs):
        scen = R.choice(sorted(SCENARIOS))
        groups = list(SCENARIOS[scen])
        fmt = FORMATS[i % len(FORMATS)]
        exp, neg = [], []
        if fmt.startswith("json"):
            body, ctype = doc_json(groups, exp, neg, fmt == "json_nested")
        else:
            body, ctype = {"ndjson": doc_ndjson, "xml": doc_xml, "csv": doc_csv,
                           "form": doc_form, "text": doc_text}[fmt](groups, exp, neg)
        name = "%04d-%s-%s.%s" % (i, scen, fmt, EXT[ctype])
        with open(os.path.join(out, name), "w", encoding="utf-8", newline="") as f:
            f.write(body)
        manifest.append({"file": name, "content_type": ctype, "scenario": scen, "format": fmt,
                         "expected": exp, "negatives": neg})
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    return manifest


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--docs", type=int, default=400)
    ap.add_argument("--seed", type=int, default=20250301)
    a = ap.parse_args()
    m = generate(a.out, a.docs, a.seed)
    print("%d documents, %d expected identifiers, %d hard negatives -> %s" % (
        len(m), sum(len(d["expected"]) for d in m), sum(len(d["negatives"]) for d in m), a.out))


if __name__ == "__main__":
    main()
