#!/usr/bin/env python3
"""xb_cntext_gen.py - generate the dictionaries of the Chinese name and address
detectors (xb_dict_chars.c, xb_dict_words.c) from the readable lists below.

The C side needs immutable tables that C cannot build at compile time:
  * an index from code point to character flags (surname, common
    given-name character, never-in-a-name character, numeral, address stop
    character) plus the range of dictionary words that begin with that
    character: a bitmap over U+3000..U+9FFF with a running popcount per
    64-bit word, and two more bitmaps of the characters where the name and
    the address scanners must look closer;
  * the dictionary words sorted by their UTF-8 bytes, each with a bit set of
    kinds (cue, title, province, road suffix, ...).
Both are written as const arrays, so the detectors need no initialisation and
no mutable state. Edit the lists here and run

    python3 classifier/detect/xb_cntext_gen.py

from the repository root; commit the regenerated .c files with the script.
The unit tests (tests/unit/test_names.c, test_address.c) check that the
tables are consistent (every word reachable through its first character).
"""
import os
import sys

# --------------------------------------------------------------- surnames
# Single-character surnames, most frequent first. The first SURNAME_TOP
# entries cover roughly 90% of the population and get a "top" flag that
# breaks ties between overlapping candidates.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
    "查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆"
    "朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫"
    "杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧"
    "闭由凤丘沃宓竺郦钮訾矫逄綦郗庹郅邴弓蓟鄂贝苻牧东萧阎荀缑谯虢郇酆钭禚靖蔚仉督郏逢琚宦扶"
)
SURNAME_TOP = 120
# Traditional forms of frequent surnames (Taiwan, Hong Kong, Macau records).
SURNAMES_TRADITIONAL = "陳張劉楊黃趙吳孫馬鄭謝韓馮鄧曹蕭葉蘇盧蔣蔡賈魏呂鐘譚陸範廖賴顏鄒龍湯錢嚴戴孔湯韋許羅傅鍾簡潘邱侯龔"

COMPOUND_SURNAMES = """
欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 夏侯 端木 澹台
轩辕 南宫 独孤 西门 万俟 闻人 赫连 申屠 公冶 太史 濮阳 淳于 单于 仲孙 钟离 宗政
公羊 呼延 拓跋 百里 东郭 左丘 第五 梁丘 羊舌 微生 公良 乐正 漆雕 壤驷 巫马 南门
谷梁 段干 东门 子车 颛孙 亓官 司寇 司空 公西 鲜于 闾丘 完颜 爱新觉罗 叶赫那拉
"""

# Characters frequent in given names. A given name made of these is
# "plausible"; weak evidence (請, 由, 电话 after the name) needs it.
GIVEN_COMMON = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红兰建国文辉力鹏斌宇浩凯健俊帆帅旭宁龙林欢阳佳琳"
    "晨雪婷倩颖璐露瑶怡婧雯蕾薇菲莉丹晶燕玲梅莹慧巧美淑惠珠翠雅芝云莲真环琴荣爱妹香月凤洁梦晓欣悦思雨嘉子"
    "梓涵轩睿博铭宸泽昊然一诺依可心语馨彤萱琪妍钰淼沐逸辰皓宏志毅峰波鑫亮成立新海东福生永春德兴昌祥发贵山"
    "仁义礼智信忠孝安康寿喜财金银宝珍秋冬夏栋松柏竹菊荷蓉芬芸芹苗茂蓓蕊莎娅婉娴嫣妮姗婕媛娇娥婵妙好如若茹"
    "天航飞翔腾彬森焱垚晗昱晟晖光耀炜烨煜炎威雄豪彦哲聪达远道诚正泰和顺瑞禄富盛旺钢锋锦钧岩岭川江河洋浪清"
    "源泉溪沛泓润瀚渊深洪汉冰霜雷风桐楠桦枫樱芷菁茜小大三四五六七八九二十伯仲叔季长少元中宗家承继传世振"
    "振国卫保庆忠孝友朋宾客群众民军兵武斌杰俊豪英华伦亚楚晋鲁湘粤闽皖蜀滇黔陕甘宁青藏新港澳台丰收春夏秋冬"
    "梅兰竹菊松柏杨柳桃李杏梨荷莲菲芳艳丽娟娜婷媛姝妤婕娣嫦娴琼瑛瑜璇璟瑾琦琰琳珊珍珂珏玥玲玮璋瑶琛琨瑞"
    "晶明昕昭晔晴晞景晨曦曜朗月朋望朝期本材杰东松林果柏柳栋桂桐梁梓森楠榕槐樟橙正武毅永江池汐沁沛河治泉"
    "泊波泽洁洋洪浩海涛润涵淳清渊温湘滢潇澜濛瀚灵炜烽焕煜熙燕爽玉王珺琪瑗璐生田甜畅皓盈益真睿瞳石硕磊福"
    "禧秀程稳立章童竹笑策简紫红纯纳素紫绍维绮缘美羽翊翎翔翰耀聪胜舒舟航良艺芊芙花芮苑若英茵茹荔莉莎菡萌"
    "萍萱蓉蔚蕙蕾薇虹蝶行衡裕西誉语诗诚询谦豪贝贞贤贵赫超越跃轩辉达迎运进远逸道遥邦郁金鑫铭锐锋镇长闻阳"
    "雁雄雅雨雪雯雷霖霞露青靖静韵韬顺颖风飘飞馨驰骏鸣鸿鹏鹤麟黎鼎齐龙亭倩健儒兆先光克兵其典冠凡凯凤函刚"
    "勇勤华卓南博卿友可吉君启和咏哲唯善喆嘉园圣坤坚城培基增墨士声多天奇奕女如妍姣姿娥娴婉婧媚嫣子孜学宁"
    "宇守安宏宗定宜宝宣家宸容富宽宾寒尔尚岚峰崇川州巧帆希帅平年庆康廷建弘强彤彩彬影征德心志忠念怡思恒恩"
    "悦惠慧懿成扬承振敏文斌新旭昂昆昊昌晋晏晓"
)

# Characters removed from GIVEN_COMMON again (place abbreviations, address
# suffixes and other characters that are rare in given names).
GIVEN_EXCLUDE = "客众港澳台藏粤闽皖蜀滇黔陕鲁甘王行西女年本果期声多士州城园尔其先长镇询苑道程稳童简石田池材收"

# Characters that practically never occur in a given name: function words,
# verbs and nouns of commerce, medicine and paperwork, object words. A name
# candidate containing one is rejected.
NONAME = (
    "的了吗呢吧啊呀哦嗯么这那哪谁什怎您你我他她它们个些是在有被把让给对从到去说讲叫吃喝买卖收寄取送退换"
    "购订单货款费价钱账票品商物件箱盒袋瓶杯机器具卡证码号网站线话址邮递快元角块斤吨厘次份台辆部店厂局院所"
    "处科室系校馆组队班级病痛症药疗诊术肿癌炎死亡坏差错假恶臭丑穷脏惨骂打杀偷抢骗赌毒屎尿屁某等及或与且而"
    "但却因已未没不非别很都也就还又再只刚着过得地嘛呵嘿喂哎唉哇喔啦咯呗哟省区县镇乡村路街巷楼层栋幢"
    "床司务续办理查询核验审批检测扫描输入登录注册填写领需求要想请谢员客户鱼肉菜饭茶酒油面糖盐醋奶蛋果瓜"
    "鸡鸭鹅猪狗猫鼠虫衣裤鞋袜帽袋罐碗锅剪针纸册灯桌椅柜窗墙砖泵阀脑屏键盘鼠标费税息贷借欠债罚扣赔购售销"
    "递件单据表格栏列项目值数量额率比例总计合算共每各该此其何吗嘛否"
)

NUMERALS = "零〇一二三四五六七八九十百千两廿"

# Characters that cannot be inside an address component name.
ADDR_STOP = (
    "的了吗呢吧啊呀哦嗯是在我你您他她它们请要想把被让也就还很说到去从往给已这那哪什么怎谁每各该将并且而"
    "但却因以如若虽或者只又再才刚着过得最没与及等约左右近旁于"
)

# ------------------------------------------------------------------ names
# Strong cues: a person's name follows (after optional ':' / space / 是 / 为).
CUES = """
姓名 名字 真实姓名 联系人 收件人 收货人 寄件人 发件人 收信人 寄信人 客户 顾客 用户 会员 患者 病人 病患 伤者
伤员 员工 职工 雇员 申请人 持卡人 户主 户名 开户名 开户人 账户名 账户名称 法定代表人 法人代表 法人 经办人 家属
监护人 乘客 旅客 学生 学员 投保人 被保险人 受益人 被保人 借款人 贷款人 担保人 租客 承租人 出租人 房东 业主
买家 卖家 收款人 付款人 汇款人 签收人 负责人 代理人 委托人 当事人 原告 被告 证人 报案人 嫌疑人 被害人 受害人
驾驶员 驾驶人 车主 司机 骑手 快递员 配送员 业务员 销售员 客服 医生 医师 主治医师 主治医生 护士 责任护士 接诊医生
审核人 审批人 制单人 操作员 操作人 创建人 提交人 处理人 接待人 下单人 订购人 购买人 购货人 提货人 送货人 住客
入住人 预订人 房客 参保人 缴费人 纳税人 被执行人 紧急联系人 推荐人 介绍人 配偶 丈夫 妻子 父亲 母亲 儿子 女儿
孩子 爸爸 妈妈 爷爷 奶奶 签名 签字 经手人 领取人 取件人 领款人 报销人 申报人 填表人 填报人 录入人 登记人
联络人 对接人 参会人员 成员 人员 教师 老师 班主任 辅导员 导师 名叫 叫做 本人 员工姓名 客户姓名 患者姓名
学生姓名 我叫 我是 本人叫 本人是 他叫 她叫 出席人员 参加人员 与会人员 出席人 参会人 兹证明 兹有 现有 今有 联系人姓名 收件人姓名 收货人姓名 乘客姓名 持卡人姓名 户主姓名 被保险人姓名 投保人姓名 申请人姓名
聯繫人 聯絡人 收件人 客戶 員工 職員 申請人 負責人 經辦人 監護人 持卡人 戶主 戶名 乘客 旅客 病人 患者 學生 聯絡人姓名
新生儿 产妇 孕妇 被监护人 访客 来访人 租户 承办人 主办人 发起人 被告人 犯罪嫌疑人 被申请人
申请执行人 第三人 法定代理人 委托代理人 受托人 代表 签字代表 甲方代表 乙方代表 上诉人 被上诉人 联系人员 发货人 收票人
朋友 同事 领导 上级 下属 邻居 室友 舍友 男友 女友 男朋友 女朋友 老公 老婆 哥哥 姐姐 弟弟 妹妹 表哥 表姐 表弟 表妹
舅舅 姑姑 外公 外婆 岳父 岳母 公公 婆婆 儿媳 女婿 侄子 外甥 未婚妻 未婚夫 前妻 前夫 主管 经理 店长
"""
# Weak cues: a name may follow, but only a plausible one counts.
CUES_WEAK = """
由 请 致 给 叫 找 让 和 与 及 同 跟 向 对 把 被 将 感谢 谢谢 尊敬的 亲爱的 通知 告知 转告 交给 转交 委托 安排
陪同 协助 看望 探望 接待 恭喜 祝贺 问候 拜访 致电 回复 提醒 收件 收货 寄件 联系 员 改为 改成 更改为 换成 变更为
"""
# Titles that may follow a name (张伟先生). A surname directly followed by
# a title (王先生, 李经理, 王总) is not a full name.
TITLES = """
先生 女士 小姐 同志 老师 医生 医师 大夫 护士 经理 总经理 副总 副总经理 主任 总监 教授 副教授 博士 律师 师傅 同学
阿姨 叔叔 老板 董事长 院长 校长 局长 处长 科长 部长 厂长 所长 书记 主席 会计 工程师 警官 法官 总 工 教练 导游
主管 组长 队长 班长 站长 店长 行长 社长 馆长 委员 夫妇 一家 夫人 太太 老先生 女儿 儿子 同学们 家属 本人
"""
# Words that end a name when they follow it (verbs, time words, particles).
NAME_STOPS = """
的 在 于 是 已 说 称 讲 问 和 与 及 或 等 也 都 就 还 又 再 将 把 被 对 向 给 从 到 去 来 因 为 了 着 过 吗 呢 吧 收
诉 请 系 民间
表示 反映 反馈 投诉 咨询 询问 要求 申请 办理 购买 下单 订购 签收 收到 领取 取件 联系 致电 来电 来访 入职 离职
入院 出院 就诊 住院 确诊 诊断 主诉 自述 病史 乘坐 乘车 预订 预约 入住 退房 退款 退货 付款 支付 转账 还款 借款
贷款 开户 注册 登录 提交 提出 提供 填写 签字 签名 签署 确认 同意 拒绝 表明 认为 希望 需要 想要 打算 准备 已经
今天 昨天 明天 今日 昨日 明日 上午 下午 晚上 早上 中午 当天 当日 次日 凌晨 傍晚 刚才 随后 之后 目前 现在 现已
性别 年龄 身份证 电话 手机 联系方式 地址 住址 家住 住在 现住 工号 学号 编号 岁 出生 生于 男 女 先生 女士 您好
你好 同志 是否 没有 不是 不能 无法 一直 多次 再次 曾经 刚刚 正在 仍然 依然 也是 只是 都是 就是 还是 所在 所属
工作 上班 下班 毕业 就读 负责 担任 任职 分管 主管 带领 发现 看到 听到 得知 告诉 通知 提醒 建议 决定 打电话
发来 发送 寄来 寄出 收件 拿到 领到 购得 订了 买了 到店 到院 到达 抵达 离开 返回 前往 前来 过来 回来 进入
身高 体重 血压 体温 症状 病情 家属 本人 签收了 本人签收 一起 一同 共同 两人 夫妻 之间 个人 名下 账户 账号
卡号 银行 信用卡 借记卡 订单 快递 包裹 邮件 短信 微信 支付宝 护照 证件 驾照 车牌 车辆 房屋 房产 年 日
"""
# Strong evidence right after a name.
POST_STRONG = """
签收 代收 签字 签名 亲签 本人签收 身份证 身份证号 身份证号码 证件号 证件号码 护照号 工号 学号 病历号 住院号
夫妇 一家
"""
# Medium evidence after a name (needs a plausible given name and a clean
# left boundary).
POST_MEDIUM = """
电话 手机 手机号 手机号码 联系电话 联系方式 来电 致电 投诉 反映 咨询 来访 到访 入职 离职 入院 出院 就诊 确诊
"""
# Words that may stand right before a name without being part of it.
LEFT_WORDS = """
由 请 和 与 及 跟 同 给 向 对 把 被 将 让 叫 找 派 经 是 为 或 今天 昨天 明天 今日 昨日 当日 当天 上午 下午 晚上
早上 中午 凌晨 随后 之后 后来 此后 通知 告知 转告 交给 转交 委托 安排 联系 致电 感谢 谢谢 恭喜 祝贺 问候 看望
探望 陪同 协助 帮助 代替 接待 接到 收到 据 经 见 在 位 名 有 即 系 及其 以及 并 而 但 因 若 如 此外 另外 其中
"""
# Common words that begin with a surname character (or a weak cue) and are
# not names. A candidate equal to one of them, or a weak cue that is the
# start of one (由于), is rejected.
NOT_NAMES = """
王国 王者 王牌 王朝 王子 王府 王道 王位 王宫 王后 王八 张力 张开 张贴 张扬 张望 张口 张家 张罗 张嘴 张狂 张家口 张家界
刘海 陈述 陈列 陈旧 陈设 陈年 陈皮 杨树 杨柳 杨梅 黄金 黄色 黄牛 黄瓜 黄豆 黄油 黄昏 黄河 黄山 黄埔 黄页 黄疸
黄酒 黄冈 黄石 周末 周期 周边 周年 周围 周到 周转 周一 周二 周三 周四 周五 周六 周日 周天 周岁 周报 周刊 周密
周全 周长 周知 周口 徐徐 孙子 孙女 马上 马路 马车 马桶 马达 马虎 马甲 马铃薯 马克 马拉松 马来西亚 马鞍山 胡同
胡子 胡说 胡乱 胡椒 胡萝卜 胡闹 胡须 何时 何处 何必 何况 何种 何地 何人 何在 何为 何等 高兴 高速 高级 高度
高端 高中 高考 高校 高温 高层 高铁 高价 高效 高新 高原 高手 高压 高血压 高管 高峰 高档 高于 高达 高低 高贵
高尚 高大 高空 高楼 高清 高危 高烧 高热 高龄 高额 高频 高科技 林业 林地 林木 林场 林区 罗列 罗盘 罗马 郑重
郑州 梁柱 谢谢 谢绝 谢意 宋朝 宋体 唐朝 唐突 许可 许多 许久 许愿 韩国 韩语 韩元 韩式 彭湃 曾经 曾是 曾在
曾有 曾用名 曾祖 肖像 田地 田园 田野 田间 董事 董事长 董事会 于是 于此 于今 余额 余下 余量 余数 余地 余款
余热 杜绝 杜鹃 叶子 叶片 叶酸 程序 程度 程式 程控 苏州 苏醒 苏打 苏联 丁香 任务 任何 任意 任职 任命 任期
任性 任选 任一 沈阳 姜汤 钟表 钟点 钟头 钟爱 陆续 陆地 陆运 陆军 汪汪 范围 范例 范本 范畴 金额 金融 金属
金牌 金卡 金币 金钱 金色 金黄 金子 金银 金条 金价 金华 石油 石头 石材 石化 石膏 石灰 石家庄 夏天 夏季 夏令营
夏日 付款 付费 付出 付清 付给 付账 方向 方法 方面 方案 方便 方式 方针 方位 方形 方言 方能 方可 方才 方程
白天 白色 白菜 白酒 白领 白银 白班 白板 白云 白糖 熊猫 秦朝 江苏 江西 江湖 江山 江南 江北 江边 江门 段落
段位 雷达 雷电 雷同 雷雨 侯爵 龙头 龙虾 龙舟 龙卷风 史上 史料 史书 陶瓷 陶器 黎明 贺卡 贺词 贺礼 贺岁 顾客
顾问 顾虑 顾及 顾全 毛利 毛巾 毛衣 毛病 毛发 毛重 毛笔 毛绒 万元 万一 万分 万能 万岁 万物 万事 万人 万家
钱包 钱款 严重 严格 严禁 严肃 严厉 严密 严查 武器 武术 武装 武警 武汉 戴上 戴着 莫名 莫非 孔子 孔洞 向上
向下 向前 向后 向您 向你 向他 向导 向往 向来 向日葵 汤圆 汤匙 汤汁 汤面 常见 常用 常规 常年 常识 常温 常州
常务 常住 常态 常委 常客 常驻 常备 温度 温暖 温州 温馨 温和 温泉 温柔 温差 康复 康乐 施工 施行 施肥 施加
文件 文化 文章 文字 文本 文档 文明 文具 文学 文艺 文员 文案 牛奶 牛肉 牛仔 牛排 邢台 安全 安装 安排 安静
安心 安卓 安徽 安检 安置 安保 安慰 安定 安康 安阳 安庆 安顺 齐全 齐心 易于 易用 易碎 易燃 乔迁 庞大 颜色
颜值 庄园 庄稼 章节 章程 鲁莽 岳父 岳母 岳阳 殷切 申请 申报 申诉 申明 申领 欧洲 欧元 欧美 欧盟 欧式 耿直
关于 关系 关注 关闭 关键 关联 关心 关怀 关税 关口 关卡 关机 关门 兰花 兰州 焦虑 焦点 焦急 焦作 左右 左边
左侧 左手 左转 柳树 柳州 甘肃 甘心 甘甜 祝福 祝贺 祝愿 祝您 祝你 包装 包括 包含 包裹 包邮 包子 包容 包头
宁波 宁夏 宁静 宁可 宁愿 宁德 尚未 尚可 尚在 尚有 符合 符号 舒适 舒服 舒心 柯桥 纪念 纪律 纪录 纪要 梅花
梅雨 梅州 童装 童年 童话 童鞋 凌晨 凌乱 毕业 毕竟 毕节 单位 单号 单价 单据 单独 单元 单身 单次 单品 季度
季节 霍乱 涂料 涂抹 涂改 成功 成本 成为 成员 成绩 成交 成都 成立 成果 成熟 成年 成人 成品 成分 苗木 苗头
谷物 谷歌 盛大 盛情 曲线 曲折 曲目 骆驼 蓝色 蓝天 蓝牙 路线 路由 路上 路口 路费 路段 路况 路过 路灯 路面
路途 游戏 游客 游泳 游玩 游览 游乐 辛苦 辛勤 柴油 柴火 蒙古 鲍鱼 华为 华南 华北 华东 华西 华中 华人 华侨
华丽 房屋 房间 房产 房子 房租 房东 房价 房贷 房源 屈服 饶恕 解决 解释 解除 解析 解答 解放 解锁 解冻 解码
牟利 艾滋 尤其 尤为 阳光 阳台 阳性 阳历 时间 时候 时代 时期 时段 时长 时效 时尚 时刻 时常 时时 农业 农村
农民 农药 农田 司机 司法 司令 卓越 古代 古典 古老 古董 吉祥 吉林 吉利 吉他 吉安 简单 简介 简历 简称 简体
简易 车辆 车牌 车间 车主 车费 车站 车位 车型 车险 车载 车票 车速 车况 车门 车窗 车灯 车身 车架 车架号 车龄 车道 车流 车内 车外 车队 车顶 车检 车贷 车程 车次 车库 车厢 车轮 车胎 项目 项链 连接 连续 连锁 连带 连同 连云港 芦荟
麦当劳 麦克 娄底 戚风 景点 景区 景色 景观 景德镇 党员 党委 党组 党支部 党建 宫颈 宫殿 宫廷 费用 费率 冷静
冷藏 冷冻 冷却 冷链 冷气 席位 卫生 卫星 卫浴 卫健委 米饭 米粉 米面 柏油 宗教 宗旨 桂林 桂花 桂圆 全部 全国
全面 全体 全新 全年 全额 全款 全程 全科 全球 全家 全力 全天 全称 全市 全省 应该 应用 应当 应急 应付 应收
应聘 应对 应有 闵行 边境 边缘 边界 师傅 师范 师生 和平 和谐 和解 和睦 和田 仇恨 隋朝 商品 商家 商户 商务
商场 商城 商业 商标 商铺 商店 商量 商会 商检 商丘 商洛 刁难 沙发 沙漠 沙滩 沙子 荣誉 荣幸 桑拿 甄别 丛林
仲裁 巩固 明天 明年 明日 明确 明细 明显 明白 明星 明知 明月 明亮 明早 明晚 池塘 池州 查询 查看 查找 查收
查验 查到 查明 查阅 查处 麻烦 麻醉 麻辣 麻将 迟到 迟延 迟缓 官方 官网 官员 封装 封面 封闭 封存 谈话 谈判
谈论 鞠躬 惠州 惠民 荆州 荆门 乐意 乐观 乐园 乐器 乐山 郁闷 南方 南京 南宁 南昌 南部 南北 南瓜 南通 南阳
南平 南充 班级 班长 班车 班次 班组 班主任 储蓄 储存 储值 储备 原因 原来 原价 原件 原则 原始 原有 原告 原本
原料 栗子 燕窝 燕麦 楚雄 劳动 劳务 劳保 劳累 劳驾 皮肤 皮鞋 皮革 皮包 楼层 楼下 楼上 楼盘 楼房 楼梯 楼道
楼主 盘点 盘子 盘锦 满意 满足 满减 满分 满族 闻到 位置 位于 位数 厉害 伊利 伊犁 区域 区别 区分 区间 区块
海关 海外 海南 海口 海鲜 海淀 海报 海运 海洋 海边 海量 花费 花园 花朵 花钱 花生 花卉 权利 权限 权益 权力
权重 强调 强制 强大 强烈 强度 强化 帅气 屠宰 豆腐 豆浆 豆子 朴素 朴实 盖章 盖子 练习 廉洁 廉价 井盖 祖国
祖父 祖母 祖籍 漆面 巴士 巴西 巴黎 丰富 丰田 丰收 支付 支持 支出 支援 支票 支行 支架 支付宝 国家 国际 国内
国外 国产 国庆 国籍 国企 国税 国标 国务院 平安 平台 平时 平均 平常 平方 平面 平等 平板 平稳 平素 平顶山 计划
计算 计费 计量 索赔 索取 索引 宣传 宣布 宣城 晋升 晋江 晋城 晋中 相关 相同 相对 相信 相应 相机 相册 相比 初步
初次 初始 初中 初级 初期 门店 门口 门票 门诊 门牌 门卫 云南 云端 云计算 云盘 容量 容易 容器 容纳 敬请 敬礼
来源 来自 来电 来访 来说 来到 来往 来回 来信 来宾 都是 都有 都会 都在 都市 普通 普遍 普及 浦东 戈壁 伏特
薄弱 辜负 羊肉 羊毛 阿里 阿姨 阿拉伯 乌鲁木齐 乌龟 母亲 母婴 母乳 修改 修复 修理 修订 杭州 况且 那么 那里
那些 那个 那样 那天 那边 宿舍 宿迁 鲜花 鲜奶 鲜艳 印刷 印章 印象 印度 印花 隆重 诸位 诸如 诸多 战略 战争
战斗 战士 危险 危害 危机 玉米 玉石 银行 银联 银色 公司 公共 公安 公开 公众 公告 公里 公斤 公积金 公寓 公园
公民 公章 公证 公布 公路 哈哈 哈尔滨 湛江 宾馆 宾客 勾选 茅台 利息 利润 利用 利率 利益 呼叫 呼吸 呼和浩特
居住 居民 居委会 居然 居家 揭阳 干净 干部 干燥 干货 但是 但愿 冶金 元旦 元素 束缚 衣服 衣物 信息 信用 信号
信用卡 信任 信心 信件 信箱 信誉 展示 展览 展开 展会 阴性 阴天 阴影 智能 智慧 智力 幸福 幸运 幸好 奉献 植物
植入 衡量 衡阳 富裕 富有 闭环 闭合 由于 由此 请求 请假 请问 请示 致使 致力 致以 给予 给付 叫做 找到 让步
同时 同样 同意 同事 同学 同步 同比 同城 跟踪 跟进 对于 对方 对象 对比 对接 对应 把握 被子 将来 将近 感谢信
安排人员 区域经理 项目经理 高级经理 全科医生 常务副总 单身女士 相关同志 党员同志 管床医生 车间主任 门店经理
管理 管道 管家 管控 管辖 管网 管材 查房 政府 左下 左上 全身 周身 平卧 常感 东西 东方 东北 东南 东部 东莞 东营 牧场 凤凰 丘陵 贝壳 鄂尔多斯 米兰 田径 石榴 金山 金牛 金龙鱼 华夏
王老吉 花呗 京东 苏宁 国美 卫衣 童车 汤姆 宝马 奔驰 长安 红旗 吉普 江淮 海马 众泰 牛皮 程控 石英 房车
"""

# ------------------------------------------------------------- addresses
PROVINCES = [
    # (full, [short forms])
    ("北京市", ["北京"]), ("天津市", ["天津"]), ("上海市", ["上海"]), ("重庆市", ["重庆"]),
    ("河北省", ["河北"]), ("山西省", ["山西"]), ("辽宁省", ["辽宁"]), ("吉林省", ["吉林"]),
    ("黑龙江省", ["黑龙江"]), ("江苏省", ["江苏"]), ("浙江省", ["浙江"]), ("安徽省", ["安徽"]),
    ("福建省", ["福建"]), ("江西省", ["江西"]), ("山东省", ["山东"]), ("河南省", ["河南"]),
    ("湖北省", ["湖北"]), ("湖南省", ["湖南"]), ("广东省", ["广东"]), ("海南省", ["海南"]),
    ("四川省", ["四川"]), ("贵州省", ["贵州"]), ("云南省", ["云南"]), ("陕西省", ["陕西"]),
    ("甘肃省", ["甘肃"]), ("青海省", ["青海"]), ("台湾省", ["台湾"]),
    ("内蒙古自治区", ["内蒙古", "内蒙"]), ("广西壮族自治区", ["广西", "广西自治区"]),
    ("西藏自治区", ["西藏"]), ("宁夏回族自治区", ["宁夏"]), ("新疆维吾尔自治区", ["新疆"]),
    ("香港特别行政区", ["香港", "香港特区"]), ("澳门特别行政区", ["澳门", "澳门特区"]),
    # traditional forms
    ("臺灣省", ["臺灣", "台灣"]), ("廣東省", ["廣東"]), ("廣西壯族自治區", ["廣西"]),
    ("遼寧省", ["遼寧"]), ("黑龍江省", ["黑龍江"]), ("江蘇省", ["江蘇"]), ("雲南省", ["雲南"]),
    ("貴州省", ["貴州"]), ("陝西省", ["陝西"]), ("甘肅省", ["甘肅"]), ("寧夏回族自治區", ["寧夏"]),
    ("內蒙古自治區", ["內蒙古"]), ("重慶市", ["重慶"]), ("澳門特別行政區", ["澳門"]),
    ("香港特別行政區", []),
]

# Prefecture-level divisions: name with its suffix. The short form (without
# 市 / 地区 / 盟, or the first words of an autonomous prefecture) is added
# unless listed in CITY_NO_SHORT (too ambiguous on its own).
CITIES = """
石家庄市 唐山市 秦皇岛市 邯郸市 邢台市 保定市 张家口市 承德市 沧州市 廊坊市 衡水市
太原市 大同市 阳泉市 长治市 晋城市 朔州市 晋中市 运城市 忻州市 临汾市 吕梁市
呼和浩特市 包头市 乌海市 赤峰市 通辽市 鄂尔多斯市 呼伦贝尔市 巴彦淖尔市 乌兰察布市 兴安盟 锡林郭勒盟 阿拉善盟
沈阳市 大连市 鞍山市 抚顺市 本溪市 丹东市 锦州市 营口市 阜新市 辽阳市 盘锦市 铁岭市 朝阳市 葫芦岛市
长春市 吉林市 四平市 辽源市 通化市 白山市 松原市 白城市 延边朝鲜族自治州
哈尔滨市 齐齐哈尔市 鸡西市 鹤岗市 双鸭山市 大庆市 伊春市 佳木斯市 七台河市 牡丹江市 黑河市 绥化市 大兴安岭地区
南京市 无锡市 徐州市 常州市 苏州市 南通市 连云港市 淮安市 盐城市 扬州市 镇江市 泰州市 宿迁市
杭州市 宁波市 温州市 嘉兴市 湖州市 绍兴市 金华市 衢州市 舟山市 台州市 丽水市
合肥市 芜湖市 蚌埠市 淮南市 马鞍山市 淮北市 铜陵市 安庆市 黄山市 滁州市 阜阳市 宿州市 六安市 亳州市 池州市 宣城市
福州市 厦门市 莆田市 三明市 泉州市 漳州市 南平市 龙岩市 宁德市
南昌市 景德镇市 萍乡市 九江市 新余市 鹰潭市 赣州市 吉安市 宜春市 抚州市 上饶市
济南市 青岛市 淄博市 枣庄市 东营市 烟台市 潍坊市 济宁市 泰安市 威海市 日照市 临沂市 德州市 聊城市 滨州市 菏泽市
郑州市 开封市 洛阳市 平顶山市 安阳市 鹤壁市 新乡市 焦作市 濮阳市 许昌市 漯河市 三门峡市 南阳市 商丘市 信阳市 周口市 驻马店市 济源市
武汉市 黄石市 十堰市 宜昌市 襄阳市 鄂州市 荆门市 孝感市 荆州市 黄冈市 咸宁市 随州市 恩施土家族苗族自治州 仙桃市 潜江市 天门市 神农架林区
长沙市 株洲市 湘潭市 衡阳市 邵阳市 岳阳市 常德市 张家界市 益阳市 郴州市 永州市 怀化市 娄底市 湘西土家族苗族自治州
广州市 韶关市 深圳市 珠海市 汕头市 佛山市 江门市 湛江市 茂名市 肇庆市 惠州市 梅州市 汕尾市 河源市 阳江市 清远市 东莞市 中山市 潮州市 揭阳市 云浮市
南宁市 柳州市 桂林市 梧州市 北海市 防城港市 钦州市 贵港市 玉林市 百色市 贺州市 河池市 来宾市 崇左市
海口市 三亚市 三沙市 儋州市 五指山市 琼海市 文昌市 万宁市 东方市
成都市 自贡市 攀枝花市 泸州市 德阳市 绵阳市 广元市 遂宁市 内江市 乐山市 南充市 眉山市 宜宾市 广安市 达州市 雅安市 巴中市 资阳市 阿坝藏族羌族自治州 甘孜藏族自治州 凉山彝族自治州
贵阳市 六盘水市 遵义市 安顺市 毕节市 铜仁市 黔西南布依族苗族自治州 黔东南苗族侗族自治州 黔南布依族苗族自治州
昆明市 曲靖市 玉溪市 保山市 昭通市 丽江市 普洱市 临沧市 楚雄彝族自治州 红河哈尼族彝族自治州 文山壮族苗族自治州 西双版纳傣族自治州 大理白族自治州 德宏傣族景颇族自治州 怒江傈僳族自治州 迪庆藏族自治州
拉萨市 日喀则市 昌都市 林芝市 山南市 那曲市 阿里地区
西安市 铜川市 宝鸡市 咸阳市 渭南市 延安市 汉中市 榆林市 安康市 商洛市
兰州市 嘉峪关市 金昌市 白银市 天水市 武威市 张掖市 平凉市 酒泉市 庆阳市 定西市 陇南市 临夏回族自治州 甘南藏族自治州
西宁市 海东市 海北藏族自治州 黄南藏族自治州 海南藏族自治州 果洛藏族自治州 玉树藏族自治州 海西蒙古族藏族自治州
银川市 石嘴山市 吴忠市 固原市 中卫市
乌鲁木齐市 克拉玛依市 吐鲁番市 哈密市 昌吉回族自治州 博尔塔拉蒙古自治州 巴音郭楞蒙古自治州 阿克苏地区 克孜勒苏柯尔克孜自治州 喀什地区 和田地区 伊犁哈萨克自治州 塔城地区 阿勒泰地区
石河子市 阿拉尔市 图木舒克市 五家渠市 北屯市 铁门关市 双河市 可克达拉市 昆玉市 胡杨河市
台北市 新北市 桃园市 台中市 台南市 高雄市 基隆市 新竹市 嘉义市
臺北市 桃園市 臺中市 臺南市 嘉義市 廣州市 深圳市 東莞市
"""
# Short forms of autonomous prefectures (the part before the ethnic names),
# also written with 州.
PREFECTURE_SHORT = """
延边 恩施 湘西 阿坝 甘孜 凉山 黔西南 黔东南 黔南 楚雄 红河 文山 西双版纳 大理 德宏 怒江 迪庆 临夏 甘南 海北
黄南 果洛 玉树 海西 昌吉 博尔塔拉 巴音郭楞 克孜勒苏 伊犁 博州 巴州 克州 大兴安岭 兴安 锡林郭勒 阿拉善 阿克苏
喀什 和田 塔城 阿勒泰 九龙 新界 港岛
"""
CITY_NO_SHORT = set("东方 阿里 来宾 三明 白山 吉林 海南 朝阳 日照 安康 白银 普洱 四平 七台河".split())
COUNTRY = ["中国", "中华人民共和国", "中国大陆"]

# Suffixes that close an address component. Longest match wins at a given
# position, so 街道 (sub-district) beats 街 (street) and 号楼 beats 号.
SUF_ADMIN = "區 縣 省 市 区 县 旗 自治区 自治州 自治县 自治旗 特别行政区 地区 盟 新区 开发区 高新区 林区 特区 管理区 示范区 经济开发区 经济技术开发区 高新技术产业开发区 保税区 试验区"
SUF_TOWN = "鎮 鄉 镇 乡 街道 苏木 民族乡 街道办 街道办事处 农场 林场 牧场"
SUF_ROAD = "路 街 大街 大道 道 巷 弄 胡同 公路 国道 省道 县道 环路 高速 支路 辅路 大马路 步行街 横街 直街 里弄 夹道 东段 西段 南段 北段 中段 东路 西路 南路 北路 中路"
SUF_COMMUNITY = ("小区 花园 家园 苑 公寓 大厦 广场 新村 社区 中心 大楼 园 城 府 庭 阁 山庄 名苑 雅苑 华庭 公馆 "
                 "写字楼 科技园 软件园 产业园 工业园 园区 宿舍 别墅 宅 邸 里院 大院 校区 新城 花城 商厦 商城 "
                 "商场 市场 国际 天地 世家 名邸 豪庭 佳园 嘉园 丽园 雅居 居 公社 基地 坊 座 馆 楼 院 大学 学院")
SUF_VILLAGE = "村 组 村委会 居委会 村民委员会 居民委员会 自然村 行政村 新村"
# Village-name endings that are also the last character of common nouns: a
# component ending in one needs a name of two or more characters and counts
# as a weak component (like an estate name).
SUF_VILLAGE_WEAK = "屯 庄 寨 营 铺 堡 坪 坝 岗 洼 沟 湾 垸 圩"
UNIT_NUMBER = "號 号 弄 号院 支弄 之 附"
UNIT_BUILDING = "棟 號樓 栋 幢 座 号楼 号馆 楼栋 号栋 号座 #楼"
UNIT_UNIT = "單元 单元 门 号门"
UNIT_FLOOR = "層 樓 层 楼 楼层"
UNIT_ROOM = "室 房 号房 户 房间 号室"
UNIT_GROUP = "组 队 社 排 村民小组 小组 生产队"
UNIT_AREA = "区 期 段 片 街区 号地块 地块 巷 横巷"
# Words that start with a unit or suffix character but are not one.
NOT_UNIT = """
号线 号码 号牌 号称 号召 号角 号外 号令 号数 号位 号段 号机 号车 号窗口 号柜台 号床 号病房 号窗 号桌
室内 室外 室友 层次 层面 层级 层层 楼盘 楼市 楼主 座位 座谈 座椅 座机 座右铭 座次 组织 组长 组成 组合 组件
组建 组团 组装 区域 区别 区分 区间 区块 期间 期限 期货 期待 期望 期末 期中 期刊 期满 期内 门口 门店 门票 门诊
门卫 门禁 门面 户口 户籍 户型 户外 户主 栋梁 单元格 队长 队员 队伍 社会 社保 社交 排名 排队 排行 排查 排除
片刻 片区 片面 段落 段位 段时间 路线 路由 路上 路口 路过 路费 路段 路况 路途 路面 路灯 路人 街头 街上 街边
道路 道理 道歉 道具 道德 村民 村里 村口 村干部 镇上 市场 市民 市区 市值 市面 市价 市内 区内 县城 县里 园林
城市 城区 城镇 城乡 城管 城墙 乡下 乡村 乡镇 乡里 庄稼 国际化 中心化 中心点 广场舞 楼下 楼上 楼道 楼梯 楼层高
段子 巷子 弄堂 之间 之后 之前 之内 之外 之中 之一 附近 附件 附加 附属 之类 期末考 营业 营销 营养 铺设 沟通
岗位 坪效 港币 港股 汇款 汇率 汇总 汇报 谷歌 谷物 居然 居家 居民 院子 院校 馆藏 座谈会 屯门
"""
# Generic nouns that look like name + suffix but are not a place.
GENERIC = """
马路 道路 公路 铁路 网路 线路 思路 出路 套路 电路 水路 陆路 一路 半路 走路 过路 上路 大路 小路 前路 后路 迷路 带路
让路 开路 绕路 修路 进路 退路 活路 死路 弯路 老路 同路 顺路 赶路 城市 都市 超市 上市 城区 市区 地区 社区 园区 景区
小区 山区 郊区 城镇 乡镇 村庄 农村 乡村 城中村 山村 渔村 度假村 花园 公园 校园 家园 乐园 动物园 植物园 游乐园
幼儿园 城堡 长城 商城 省城 县城 京城 全城 进城 全市 本市 该市 全省 本省 外省 全区 本区 辖区 全县 本县 大街 街头 弄堂
巷子 大楼 高楼 楼房 中心 市中心 大厦 广场 开发区 工业区 商业区 住宅区 生活区 办公区 核心区 风景区 保护区 自治区
特区 新区 灾区 疫区 片区 服务区 停车场 一楼 二楼 楼上 楼下 门口 附近 周边 对面 旁边 隔壁 本地 当地 外地 异地
两地 各地 全国 国内 国外 海外 境内 境外 中国 世界 国际 全球 宿舍 公寓 别墅 写字楼 大学 学院 中学 小学 医院 法院
学校 农场 林场 牧场 港口 机场 车站 码头 老家 家乡 故乡 同乡 老乡 下乡 乡下 城里 村里 镇上 街上 全村 本村 全镇
知道 频道 渠道 通道 轨道 赛道 跑道 车道 隧道 管道 味道 报道 难道 一道 人行道 球道 航道 河道 坑道 栈道 门道 公道
霸道 厚道 地道 称道 说道 顺道 绕道 改道 上道 正道 王道 孝道 人道 当道 小道 要道 古道 铁道 水道 下水道 弯道 坡道
匝道 便道 过道 走道 廊道 楼道 巷道 赤道 布道 传道 得道 修道 上街 逛街 扫街 满街 当街 沿街 临街 过街 隔街 小巷
深巷 街巷 开市 闭市 股市 楼市 车市 黑市 夜市 早市 菜市 集市 门市 重镇 古镇 小镇 异乡 他乡 思乡 回乡 水乡 梦乡
果园 菜园 茶园 庄园 陵园 田园 古城 港湾 海湾 家庭 法庭 内阁 邻居 新居 民居 故居 家居 蜗居 同居 定居 移居 旅居
隐居 起居 安居 住宅 豪宅 凶宅 民宅 老宅 讲座 星座 插座 政府 店铺 商铺 饭庄 茶庄 钱庄 村庄 山寨 军营 阵营 经营
露营 夏令营 国营 民营 私营 合营 岗 门岗 上岗 下岗 转岗 站岗 水坝 堤坝 大坝 山沟 代沟 水沟 阴沟 城堡 碉堡 地堡
"""
# Words that break an address: the text is an organisation, not a place.
COMPANY = """
公司 有限公司 有限责任公司 股份有限公司 集团 银行 分行 支行 分公司 子公司 事务所 研究院 研究所 委员会 协会 商会
学会 基金会 工作室 经营部 营业部 办事处 代表处 分店 门店 专卖店 旗舰店 超市 酒店 宾馆 饭店 餐厅 酒楼 网吧 诊所
药店 药房 医院 卫生院 卫生所 学校 大学 学院 中学 小学 幼儿园 政府 人民政府 公安局 派出所 法院 检察院 税务局
管理局 工商局 海关 科技 贸易 实业 控股 投资 物流 电子 网络 信息技术 传媒 文化传播 咨询 服务部 商行 厂
"""
# Address cues. 位于 / 坐落于 / 所在地 are left out: they introduce the location
# of organisations and sights (总部位于广东省深圳市), not personal addresses.
ADDR_CUES = """
通訊地址 聯絡地址 戶籍地址 地址 住址 家住 住在 居住在 居住于 现住 现居 现居住 现住址 现居住地 居住地 居住地址 送到 送至 送往 寄到
寄至 寄往 发到 发至 发往 收货地址 收件地址 详细地址 家庭住址 家庭地址 户籍地址 户籍所在地 户籍地 通讯地址 联系地址
邮寄地址 配送地址 送货地址 搬到 搬至 迁至 迁往 住于  工作地址 单位地址 注册地址 经营地址 办公地址
常住地址 常住地 暂住地 暂住地址 出生地 籍贯地址 身份证地址 证件地址 户口所在地 户口地址 户口地
"""

# ------------------------------------------------------------- generator
KINDS = [
    "SURNAME2", "CUE", "CUE_WEAK", "TITLE", "NAME_STOP", "POST", "POST_MED",
    "NOT_NAME", "LEFT", "PROVINCE", "CITY", "COUNTRY", "PLACE_FULL",
    "SUF_ADMIN", "SUF_TOWN", "SUF_ROAD", "SUF_COMMUNITY", "SUF_VILLAGE",
    "SUF_VILLAGE_WEAK",
    "UNIT_NUMBER", "UNIT_BUILDING", "UNIT_UNIT", "UNIT_FLOOR", "UNIT_ROOM",
    "UNIT_GROUP", "UNIT_AREA", "NOT_UNIT", "GENERIC", "COMPANY", "ADDR_CUE",
]
CHAR_FLAGS = ["SURNAME", "SURNAME_TOP", "GIVEN", "NONAME", "NUMERAL",
              "ADDR_STOP", "COMPOUND_FIRST"]


def words(text):
    return [w for w in text.split() if w]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    word_kinds = {}

    def add(w, kind):
        word_kinds.setdefault(w, set()).add(kind)

    for w in words(COMPOUND_SURNAMES):
        add(w, "SURNAME2")
    for kind, text in (("CUE", CUES), ("CUE_WEAK", CUES_WEAK), ("TITLE", TITLES),
                       ("NAME_STOP", NAME_STOPS), ("POST", POST_STRONG),
                       ("POST_MED", POST_MEDIUM), ("NOT_NAME", NOT_NAMES),
                       ("LEFT", LEFT_WORDS), ("NOT_UNIT", NOT_UNIT),
                       ("GENERIC", GENERIC), ("COMPANY", COMPANY),
                       ("ADDR_CUE", ADDR_CUES), ("SUF_ADMIN", SUF_ADMIN),
                       ("SUF_TOWN", SUF_TOWN), ("SUF_ROAD", SUF_ROAD),
                       ("SUF_COMMUNITY", SUF_COMMUNITY), ("SUF_VILLAGE", SUF_VILLAGE),
                       ("SUF_VILLAGE_WEAK", SUF_VILLAGE_WEAK),
                       ("UNIT_NUMBER", UNIT_NUMBER), ("UNIT_BUILDING", UNIT_BUILDING),
                       ("UNIT_UNIT", UNIT_UNIT), ("UNIT_FLOOR", UNIT_FLOOR),
                       ("UNIT_ROOM", UNIT_ROOM), ("UNIT_GROUP", UNIT_GROUP),
                       ("UNIT_AREA", UNIT_AREA)):
        for w in words(text):
            add(w, kind)
    for w in COUNTRY:
        add(w, "COUNTRY")
    for full, shorts in PROVINCES:
        add(full, "PROVINCE")
        add(full, "PLACE_FULL")
        for s in shorts:
            add(s, "PROVINCE")
    for full in words(CITIES):
        add(full, "CITY")
        add(full, "PLACE_FULL")
        short = None
        for suf in ("市", "地区", "盟", "林区"):
            if full.endswith(suf) and len(full) > len(suf) + 1:
                short = full[: -len(suf)]
                break
        if short and short not in CITY_NO_SHORT:
            add(short, "CITY")
    for s in words(PREFECTURE_SHORT):
        add(s, "CITY")
        if len(s) >= 2 and s[-1] != "州":
            add(s + "州", "CITY")
            add(s + "州", "PLACE_FULL")

    for w in word_kinds:
        if "#" in w:
            continue
        for ch in w:
            if not (0x3400 <= ord(ch) <= 0x9FFF or ch == "〇"):
                sys.exit("non-Han character in word %r" % w)

    entries = sorted(word_kinds.items(), key=lambda kv: kv[0].encode("utf-8"))
    entries = [e for e in entries if not e[0].startswith("#")]
    # '#楼' is handled in C ('#' after a number means 号).

    chars = {}

    def flag(ch, f):
        chars.setdefault(ord(ch), {"flags": set(), "first": None, "count": 0, "kinds": set()})
        chars[ord(ch)]["flags"].add(f)

    seen = []
    for ch in SURNAMES + SURNAMES_TRADITIONAL:
        if ch not in seen:
            seen.append(ch)
    for rank, ch in enumerate(seen):
        flag(ch, "SURNAME")
        if rank < SURNAME_TOP and ch in SURNAMES:
            flag(ch, "SURNAME_TOP")
    for ch in GIVEN_COMMON:
        if ch not in GIVEN_EXCLUDE:
            flag(ch, "GIVEN")
    for ch in NONAME:
        flag(ch, "NONAME")
    for ch in NUMERALS:
        flag(ch, "NUMERAL")
    for ch in ADDR_STOP:
        flag(ch, "ADDR_STOP")
    for w in words(COMPOUND_SURNAMES):
        flag(w[0], "COMPOUND_FIRST")
    # A common given-name character is never "non-name".
    for cp, c in chars.items():
        if "GIVEN" in c["flags"] and "NONAME" in c["flags"]:
            c["flags"].discard("NONAME")

    for idx, (w, kinds) in enumerate(entries):
        cp = ord(w[0])
        chars.setdefault(cp, {"flags": set(), "first": None, "count": 0, "kinds": set()})
        c = chars[cp]
        if len(w) > 1:
            c["second"] = c.get("second", 0) | (1 << (ord(w[1]) & 31))
        if c["first"] is None:
            c["first"] = idx
        c["count"] += 1
        c["kinds"] |= kinds

    for ch in "人者员名主长属生师表":
        chars.setdefault(ord(ch), {"flags": set(), "first": None, "count": 0, "kinds": set()})
    for cp, c in chars.items():
        if c["first"] is not None:
            assert c["count"] < 65536

    # Dense index over U+3000..U+9FFF: one bit per code point, and per
    # 64-bit word the number of set bits before it; the entry of a code point
    # is entries[rank[w] + popcount(bits[w] & lower bits)].
    lo, hi = 0x3000, 0xA000
    for cp in chars:
        if not lo <= cp < hi:
            sys.exit("code point outside U+3000..U+9FFF: %x" % cp)
    nwords = (hi - lo) // 64
    bitmap = [0] * nwords
    for cp in chars:
        bitmap[(cp - lo) // 64] |= 1 << ((cp - lo) % 64)
    ranks = []
    acc = 0
    for w in bitmap:
        ranks.append(acc)
        acc += bin(w).count("1")
    order = sorted(chars)

    # Trigger bitmaps: characters at which the scanners must look closer.
    def trigger_bitmap(kinds, extra=""):
        bm = [0] * nwords
        for cp, c in chars.items():
            if c["kinds"] & kinds or chr(cp) in extra:
                bm[(cp - lo) // 64] |= 1 << ((cp - lo) % 64)
        return bm
    # 人者员名主长属生师表: a label such as 受托人： (see person_label_at).
    name_trigger = trigger_bitmap({"CUE", "CUE_WEAK", "TITLE", "POST", "POST_MED"},
                                  "人者员名主长属生师表")
    addr_trigger = trigger_bitmap({"ADDR_CUE", "PROVINCE", "CITY", "COUNTRY",
                                   "SUF_ADMIN", "SUF_TOWN"})
    def kinds_expr(ks):
        if not ks:
            return "0"
        return "|".join("XB_CNW_" + k for k in KINDS if k in ks)

    def flags_expr(fs):
        if not fs:
            return "0"
        return "|".join("XB_CNC_" + f for f in CHAR_FLAGS if f in fs)

    gen = "/* generated by classifier/detect/xb_cntext_gen.py; do not edit */\n"
    with open(os.path.join(here, "xb_dict_words.c"), "w", encoding="utf-8") as f:
        f.write("/*\n * xb_dict_words.c - the dictionary words of the Chinese name and address\n"
                " * detectors (cues, titles, surnames, place names, address suffixes, ...),\n"
                " * sorted by UTF-8 bytes, each with the set of kinds it belongs to.\n"
                " * Generated by classifier/detect/xb_cntext_gen.py (edit the lists there).\n */\n")
        f.write('#include "xb_cntext_dict.h"\n\n')
        f.write("const xb_cn_word xb_cn_words[] = {\n")
        for w, kinds in entries:
            b = w.encode("utf-8")
            f.write('    {"%s", %d, %s},\n' % (w, len(b), kinds_expr(kinds)))
        f.write("};\n\nconst size_t xb_cn_words_count = sizeof(xb_cn_words) / sizeof(xb_cn_words[0]);\n")
    with open(os.path.join(here, "xb_dict_chars.c"), "w", encoding="utf-8") as f:
        f.write("/*\n * xb_dict_chars.c - per-character facts for the Chinese name and address\n"
                " * detectors: flags (surname, common given-name character, never-in-a-name,\n"
                " * numeral, address stop) and the range of dictionary words\n"
                " * (xb_dict_words.c) that begin with the character.\n"
                " * Indexed by a bitmap over U+3000..U+9FFF with a running popcount per\n"
                " * 64-bit word (about 4 KB, so lookups stay in the L1 cache).\n"
                " * Generated by classifier/detect/xb_cntext_gen.py (edit the lists there).\n */\n")
        f.write('#include "xb_cntext_dict.h"\n\n')
        f.write("const uint64_t xb_cn_char_bits[XB_CN_INDEX_WORDS] = {\n")
        for k in range(0, nwords, 4):
            f.write("    " + " ".join("0x%016xull," % w for w in bitmap[k:k + 4]) + "\n")
        for name, bm in (("xb_cn_name_trigger", name_trigger), ("xb_cn_addr_trigger", addr_trigger)):
            f.write("};\n\nconst uint64_t %s[XB_CN_INDEX_WORDS] = {\n" % name)
            for k in range(0, nwords, 4):
                f.write("    " + " ".join("0x%016xull," % w for w in bm[k:k + 4]) + "\n")
        f.write("};\n\nconst uint16_t xb_cn_char_rank[XB_CN_INDEX_WORDS] = {\n")
        for k in range(0, nwords, 12):
            f.write("    " + " ".join("%d," % r for r in ranks[k:k + 12]) + "\n")
        f.write("};\n\nconst xb_cn_char xb_cn_chars[] = {\n")
        for cp in order:
            c = chars[cp]
            f.write("    {0x%04X, %s, %d, %d, %s, 0x%08xu}, /* %s */\n" % (
                cp, flags_expr(c["flags"]), c["first"] or 0, c["count"],
                kinds_expr(c["kinds"]), c.get("second", 0), chr(cp)))
        f.write("};\n\nconst size_t xb_cn_chars_count = sizeof(xb_cn_chars) / sizeof(xb_cn_chars[0]);\n")
    print("chars %d, words %d" % (len(chars), len(entries)))


if __name__ == "__main__":
    main()
