"""R0 demo data: a plausible Hebei province unit tree with cadres and one demo account per role.

``build()`` fills an *empty* database with the R0.1 unit tree (province → 11 real prefecture-level
cities → counties → townships → villages/communities, beside them province-managed enterprises and
province-run universities), the R0.2 cadres of every unit (posts, ranks, top leader / team member /
party secretary flags) and the R0.3 special groups. ``create_demo_accounts()`` adds one login per
portal role. The ``demo_data`` management command is a thin wrapper around both.

Speed matters for the ``province`` scale (~50,000 units, ~300,000 cadres): treebeard's ``add_child``
runs several queries per node, so we compute the materialized paths ourselves (same alphabet and
step length as ``MP_Node``) and ``bulk_create`` in batches inside one transaction.

Everything is drawn from one ``random.Random(seed)``, so a seed always yields the same data.
"""
from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count

from .bulk import insert_rows
from .models import Cadre, Level, Rank, Role, RoleAssignment, SpecialGroup, Unit, UnitKind

SCALES = ("demo", "province")
DEMO_PASSWORD = "Demo@2014"
BATCH_SIZE = 5000

#: ``progress(phase, done, total)`` — called while building; the command draws a bar from it.
Progress = Callable[[str, int, int], None]


class DemoDataError(Exception):
    """Raised when demo data would be written into a database that already holds units."""


# ----------------------------------------------------------------------------------------------
# R0.1 geography: the 11 prefecture-level cities of Hebei and their county-level divisions.
# Names and codes follow GB/T 2260 (the current list, so a few names postdate 2014, e.g. 滦州市,
# 平泉市, 襄都区); that is fine for demo data and keeps the codes recognisable to users.
# ----------------------------------------------------------------------------------------------
PROVINCE = ("130000", "河北省")

CITIES: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("130100", "石家庄市", [
        ("130102", "长安区"), ("130104", "桥西区"), ("130105", "新华区"), ("130107", "井陉矿区"),
        ("130108", "裕华区"), ("130109", "藁城区"), ("130110", "鹿泉区"), ("130111", "栾城区"),
        ("130121", "井陉县"), ("130123", "正定县"), ("130125", "行唐县"), ("130126", "灵寿县"),
        ("130127", "高邑县"), ("130128", "深泽县"), ("130129", "赞皇县"), ("130130", "无极县"),
        ("130131", "平山县"), ("130132", "元氏县"), ("130133", "赵县"), ("130181", "辛集市"),
        ("130183", "晋州市"), ("130184", "新乐市"),
    ]),
    ("130200", "唐山市", [
        ("130202", "路南区"), ("130203", "路北区"), ("130204", "古冶区"), ("130205", "开平区"),
        ("130207", "丰南区"), ("130208", "丰润区"), ("130209", "曹妃甸区"), ("130224", "滦南县"),
        ("130225", "乐亭县"), ("130227", "迁西县"), ("130229", "玉田县"), ("130281", "遵化市"),
        ("130283", "迁安市"), ("130284", "滦州市"),
    ]),
    ("130300", "秦皇岛市", [
        ("130302", "海港区"), ("130303", "山海关区"), ("130304", "北戴河区"), ("130306", "抚宁区"),
        ("130321", "青龙满族自治县"), ("130322", "昌黎县"), ("130324", "卢龙县"),
    ]),
    ("130400", "邯郸市", [
        ("130402", "邯山区"), ("130403", "丛台区"), ("130404", "复兴区"), ("130406", "峰峰矿区"),
        ("130407", "肥乡区"), ("130408", "永年区"), ("130423", "临漳县"), ("130424", "成安县"),
        ("130425", "大名县"), ("130426", "涉县"), ("130427", "磁县"), ("130430", "邱县"),
        ("130431", "鸡泽县"), ("130432", "广平县"), ("130433", "馆陶县"), ("130434", "魏县"),
        ("130435", "曲周县"), ("130481", "武安市"),
    ]),
    ("130500", "邢台市", [
        ("130502", "襄都区"), ("130503", "信都区"), ("130505", "任泽区"), ("130506", "南和区"),
        ("130522", "临城县"), ("130523", "内丘县"), ("130524", "柏乡县"), ("130525", "隆尧县"),
        ("130528", "宁晋县"), ("130529", "巨鹿县"), ("130530", "新河县"), ("130531", "广宗县"),
        ("130532", "平乡县"), ("130533", "威县"), ("130534", "清河县"), ("130535", "临西县"),
        ("130581", "南宫市"), ("130582", "沙河市"),
    ]),
    ("130600", "保定市", [
        ("130602", "竞秀区"), ("130606", "莲池区"), ("130607", "满城区"), ("130608", "清苑区"),
        ("130609", "徐水区"), ("130623", "涞水县"), ("130624", "阜平县"), ("130626", "定兴县"),
        ("130627", "唐县"), ("130628", "高阳县"), ("130629", "容城县"), ("130630", "涞源县"),
        ("130631", "望都县"), ("130632", "安新县"), ("130633", "易县"), ("130634", "曲阳县"),
        ("130635", "蠡县"), ("130636", "顺平县"), ("130637", "博野县"), ("130638", "雄县"),
        ("130681", "涿州市"), ("130682", "定州市"), ("130683", "安国市"), ("130684", "高碑店市"),
    ]),
    ("130700", "张家口市", [
        ("130702", "桥东区"), ("130703", "桥西区"), ("130705", "宣化区"), ("130706", "下花园区"),
        ("130708", "万全区"), ("130709", "崇礼区"), ("130722", "张北县"), ("130723", "康保县"),
        ("130724", "沽源县"), ("130725", "尚义县"), ("130726", "蔚县"), ("130727", "阳原县"),
        ("130728", "怀安县"), ("130730", "怀来县"), ("130731", "涿鹿县"), ("130732", "赤城县"),
    ]),
    ("130800", "承德市", [
        ("130802", "双桥区"), ("130803", "双滦区"), ("130804", "鹰手营子矿区"), ("130821", "承德县"),
        ("130822", "兴隆县"), ("130824", "滦平县"), ("130825", "隆化县"), ("130826", "丰宁满族自治县"),
        ("130827", "宽城满族自治县"), ("130828", "围场满族蒙古族自治县"), ("130881", "平泉市"),
    ]),
    ("130900", "沧州市", [
        ("130902", "新华区"), ("130903", "运河区"), ("130921", "沧县"), ("130922", "青县"),
        ("130923", "东光县"), ("130924", "海兴县"), ("130925", "盐山县"), ("130926", "肃宁县"),
        ("130927", "南皮县"), ("130928", "吴桥县"), ("130929", "献县"), ("130930", "孟村回族自治县"),
        ("130981", "泊头市"), ("130982", "任丘市"), ("130983", "黄骅市"), ("130984", "河间市"),
    ]),
    ("131000", "廊坊市", [
        ("131002", "安次区"), ("131003", "广阳区"), ("131022", "固安县"), ("131023", "永清县"),
        ("131024", "香河县"), ("131025", "大城县"), ("131026", "文安县"), ("131028", "大厂回族自治县"),
        ("131081", "霸州市"), ("131082", "三河市"),
    ]),
    ("131100", "衡水市", [
        ("131102", "桃城区"), ("131103", "冀州区"), ("131121", "枣强县"), ("131122", "武邑县"),
        ("131123", "武强县"), ("131124", "饶阳县"), ("131125", "安平县"), ("131126", "故城县"),
        ("131127", "景县"), ("131128", "阜城县"), ("131182", "深州市"),
    ]),
]

#: The three counties per city of the ``demo`` scale: a district, a county and (mostly) a
#: county-level city, always including the units the demo accounts are bound to (正定县, 迁安市).
DEMO_COUNTIES: dict[str, tuple[str, ...]] = {
    "130100": ("130102", "130123", "130131"),  # 长安区, 正定县, 平山县
    "130200": ("130202", "130281", "130283"),  # 路南区, 遵化市, 迁安市
    "130300": ("130302", "130321", "130322"),  # 海港区, 青龙满族自治县, 昌黎县
    "130400": ("130403", "130426", "130481"),  # 丛台区, 涉县, 武安市
    "130500": ("130502", "130528", "130533"),  # 襄都区, 宁晋县, 威县
    "130600": ("130602", "130624", "130681"),  # 竞秀区, 阜平县, 涿州市
    "130700": ("130702", "130722", "130726"),  # 桥东区, 张北县, 蔚县
    "130800": ("130802", "130828", "130881"),  # 双桥区, 围场满族蒙古族自治县, 平泉市
    "130900": ("130903", "130929", "130982"),  # 运河区, 献县, 任丘市
    "131000": ("131003", "131022", "131082"),  # 广阳区, 固安县, 三河市
    "131100": ("131102", "131125", "131182"),  # 桃城区, 安平县, 深州市
}

#: Real township-level divisions for the two counties the demo accounts use, so what a tester sees
#: at 正定县 and 迁安市 looks right; the first three are the ones kept at the ``demo`` scale.
REAL_TOWNSHIPS: dict[str, list[str]] = {
    "130123": ["正定镇", "新安镇", "诸福屯镇", "新城铺镇", "南牛乡", "南楼乡", "西平乐乡", "北早现乡",
               "曲阳桥乡"],
    "130283": ["永顺街道", "迁安镇", "夏官营镇", "兴安街道", "滨河街道", "杨各庄镇", "建昌营镇",
               "赵店子镇", "野鸡坨镇", "大崔庄镇", "杨店子镇", "蔡园镇", "马兰庄镇", "沙河驿镇",
               "木厂口镇", "扣庄乡", "彭店子乡", "上射雁庄乡", "太平庄乡", "五重安乡", "大五里乡"],
}

#: Real villages placed first in their township (塔元庄村 lies on the Hutuo river by 正定 town).
REAL_VILLAGES: dict[str, list[str]] = {
    "正定镇": ["塔元庄村"],
}

# Province-managed enterprises (省管企业): (code, name, [(name, kind), ...]).
ENTERPRISES: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("E001", "河北钢铁集团", [
        ("唐山钢铁集团公司", UnitKind.ENTERPRISE), ("邯郸钢铁集团公司", UnitKind.ENTERPRISE),
        ("宣化钢铁集团公司", UnitKind.ENTERPRISE), ("承德钢铁集团公司", UnitKind.ENTERPRISE),
        ("舞阳钢铁公司", UnitKind.ENTERPRISE), ("集团机关党委", UnitKind.GRASSROOTS),
    ]),
    ("E002", "开滦集团", [
        ("开滦能源化工股份公司", UnitKind.ENTERPRISE), ("范各庄矿业分公司", UnitKind.ENTERPRISE),
        ("钱家营矿业分公司", UnitKind.ENTERPRISE), ("东欢坨矿业分公司", UnitKind.ENTERPRISE),
        ("集团机关党委", UnitKind.GRASSROOTS),
    ]),
    ("E003", "冀中能源集团", [
        ("峰峰集团公司", UnitKind.ENTERPRISE), ("邢台矿业集团公司", UnitKind.ENTERPRISE),
        ("井陉矿业集团公司", UnitKind.ENTERPRISE), ("张家口矿业集团公司", UnitKind.ENTERPRISE),
        ("集团机关党委", UnitKind.GRASSROOTS),
    ]),
    ("E004", "河北建设投资集团", [
        ("建投能源投资公司", UnitKind.ENTERPRISE), ("建投交通投资公司", UnitKind.ENTERPRISE),
        ("集团机关党委", UnitKind.GRASSROOTS),
    ]),
    ("E005", "河北港口集团", [
        ("秦皇岛港股份公司", UnitKind.ENTERPRISE), ("曹妃甸港集团公司", UnitKind.ENTERPRISE),
        ("黄骅港务公司", UnitKind.ENTERPRISE), ("集团机关党委", UnitKind.GRASSROOTS),
    ]),
]

# Province-run universities (省属高校): (code, name, [(name, kind), ...]).
UNIVERSITIES: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("U001", "河北大学", [
        ("文学院", UnitKind.GRASSROOTS), ("历史学院", UnitKind.GRASSROOTS),
        ("经济学院", UnitKind.GRASSROOTS), ("法学院", UnitKind.GRASSROOTS),
        ("化学与环境科学学院", UnitKind.GRASSROOTS), ("机关党委", UnitKind.GRASSROOTS),
        ("河北大学附属医院", UnitKind.PUBLIC_INSTITUTION),
    ]),
    ("U002", "河北师范大学", [
        ("文学院", UnitKind.GRASSROOTS), ("数学与信息科学学院", UnitKind.GRASSROOTS),
        ("教育学院", UnitKind.GRASSROOTS), ("历史文化学院", UnitKind.GRASSROOTS),
        ("马克思主义学院", UnitKind.GRASSROOTS), ("机关党委", UnitKind.GRASSROOTS),
    ]),
    ("U003", "燕山大学", [
        ("机械工程学院", UnitKind.GRASSROOTS), ("电气工程学院", UnitKind.GRASSROOTS),
        ("材料科学与工程学院", UnitKind.GRASSROOTS), ("信息科学与工程学院", UnitKind.GRASSROOTS),
        ("经济管理学院", UnitKind.GRASSROOTS), ("机关党委", UnitKind.GRASSROOTS),
    ]),
    ("U004", "河北工业大学", [
        ("机械工程学院", UnitKind.GRASSROOTS), ("电气工程学院", UnitKind.GRASSROOTS),
        ("化工学院", UnitKind.GRASSROOTS), ("土木与交通学院", UnitKind.GRASSROOTS),
        ("经济管理学院", UnitKind.GRASSROOTS), ("机关党委", UnitKind.GRASSROOTS),
    ]),
    ("U005", "河北医科大学", [
        ("基础医学院", UnitKind.GRASSROOTS), ("公共卫生学院", UnitKind.GRASSROOTS),
        ("药学院", UnitKind.GRASSROOTS), ("河北医科大学第二医院", UnitKind.PUBLIC_INSTITUTION),
        ("机关党委", UnitKind.GRASSROOTS),
    ]),
    ("U006", "河北农业大学", [
        ("农学院", UnitKind.GRASSROOTS), ("园艺学院", UnitKind.GRASSROOTS),
        ("林学院", UnitKind.GRASSROOTS), ("动物科技学院", UnitKind.GRASSROOTS),
        ("机关党委", UnitKind.GRASSROOTS),
    ]),
]

# ----------------------------------------------------------------------------------------------
# Building blocks for generated names (townships, villages, communities, people).
# ----------------------------------------------------------------------------------------------
_PLACE_HEADS = (
    "东", "西", "南", "北", "大", "小", "上", "下", "前", "后", "新", "高", "王", "李", "张", "刘", "赵",
    "杨", "孙", "马", "黄", "白", "石", "柳", "杜", "胡", "宋", "韩", "冯", "周", "吴", "郭", "何", "贾",
    "董", "常", "崔", "田", "谢", "孟", "安", "龙", "凤", "兴", "太平", "永安", "长乐", "清", "古", "双",
    "三", "龙泉", "青", "广", "宁", "泰", "平", "留", "城", "望", "杏", "枣", "桃", "梨", "槐", "榆",
)
_PLACE_TAILS = (
    "庄", "营", "店", "屯", "寨", "桥", "集", "城", "口", "头", "堡", "铺", "坊", "河", "岭", "峪", "沟",
    "台", "关", "家庄", "各庄", "官营", "庄子", "里", "楼", "园", "疃", "村", "林", "湾", "滩",
)
_STREET_STEMS = (
    "建设", "和平", "东风", "光明", "胜利", "新华", "育才", "友谊", "中华", "解放", "人民", "朝阳",
    "文化", "振兴", "幸福", "长征", "红旗", "钢城", "滨河", "站前", "西城", "东城", "南关", "北关",
    "城南", "城北", "裕东", "裕西", "联盟", "维明", "汇通", "中山", "跃进", "青园", "东华", "西里",
    "工业", "矿区", "新兴", "永安", "长安", "广安", "建北", "谈固", "西兴", "车站", "文明", "兴华",
    "北苑", "南苑", "开发区", "高新区", "新开", "双塔", "钟楼", "鼓楼", "金桥", "五一", "八一", "东岗",
)
_COMMUNITY_STEMS = (
    "幸福", "和平", "建设", "民主", "光明", "朝阳", "新华", "育才", "东风", "花园", "滨河", "胜利",
    "阳光", "锦绣", "康乐", "丽景", "怡园", "华苑", "金桥", "翠微", "盛世", "紫薇", "书香", "兴华",
    "东苑", "西苑", "南苑", "北苑", "春晖", "绿洲", "文昌", "永安", "长青", "富强", "和谐", "馨园",
    "嘉园", "福苑", "安居", "铁路", "电业", "供销", "棉纺", "矿务", "钢厂", "医院", "学府", "体育",
)
_COMMUNITY_TAILS = ("", "", "", "东", "西", "南", "北", "一", "二", "三", "里", "园", "东里", "西里", "南里", "北里")
_VILLAGE_PREFIXES = ("东", "西", "南", "北", "前", "后", "大", "小", "上", "下", "中", "新")
_VILLAGE_SUFFIXES = (
    "家庄", "庄", "各庄", "营", "屯", "寨", "家坞", "庄子", "店", "堡", "疃", "官屯", "家楼",
    "家营", "家寨", "辛庄", "马坊", "家洼", "家峪", "家沟", "台", "元庄", "固", "家口",
)
# Surnames in rough order of frequency in northern China; weights fall off with rank (Zipf-like).
_SURNAMES = (
    "王李张刘赵杨陈高孙郭马周吴徐胡朱何韩宋郑冯田董于曹许谢梁崔程贾魏薛唐袁邓彭苏吕蒋石杜范"
    "侯史孟常姜卢段康白尹霍邢付任牛秦安郝齐武乔聂谷申路雷葛耿庞尚顾阎钟沈方汪邱黄林罗肖丁"
)
_SURNAME_WEIGHTS = list(itertools.accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(len(_SURNAMES))))
_GIVEN_MALE = "建国志明文华军伟海强平东俊立永金学振宏新杰亮波涛磊鹏飞辉刚峰斌超勇利彬光庆春生保福国民胜廷树宝占"
_GIVEN_FEMALE = "红丽英秀玉兰芳霞燕梅敏静娜艳萍琳洁颖慧雪凤玲琴婷晶月桂荣淑翠云"
_GIVEN_FEMALE_FIRST = "秀玉丽春晓海红淑桂美建彩凤素"
_PHONE_PREFIXES = (
    "138", "139", "137", "136", "135", "134", "150", "151", "152", "157", "158", "159", "182", "183",
    "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "189",
)

# ----------------------------------------------------------------------------------------------
# R0.2 posts per kind of unit: (team posts, other posts). The first team post is the top leader
# (一把手); for every kind here that is the party secretary, as in Chinese practice. ``{x}`` is the
# unit's own suffix (县/区/市 for counties, 镇/乡 for townships).
# ----------------------------------------------------------------------------------------------
POSTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "province": (
        ("省委书记", "省长", "省委副书记", "常务副省长", "省委组织部部长", "省纪委书记"),
        ("省委秘书长",),
    ),
    "city": (
        ("市委书记", "市长", "市委副书记", "常务副市长", "市委组织部部长", "市纪委书记", "市委宣传部部长",
         "市委政法委书记", "市委秘书长", "市委统战部部长", "副市长", "副市长"),
        ("市委办公室主任", "市政府秘书长", "市委组织部副部长", "市发展改革委主任", "市财政局局长",
         "市信访局局长"),
    ),
    "county": (
        ("{x}委书记", "{x}长", "{x}委副书记", "常务副{x}长", "{x}委组织部部长", "{x}纪委书记",
         "{x}委宣传部部长", "{x}委政法委书记", "{x}委统战部部长", "{x}委办公室主任", "副{x}长",
         "{x}人武部部长"),
        ("{x}政府办公室主任", "{x}委组织部副部长", "{x}发改局局长", "{x}财政局局长", "{x}教育局局长",
         "{x}民政局局长", "{x}信访局局长", "{x}农业局局长", "{x}委巡察办主任", "{x}人社局局长",
         "{x}住建局局长", "{x}卫生局局长"),
    ),
    "town": (
        ("{x}党委书记", "{x}长", "{x}党委副书记", "{x}人大主席", "{x}纪委书记", "{x}党委组织委员",
         "{x}党委宣传委员", "副{x}长", "{x}武装部部长"),
        ("{x}党政办主任", "{x}财政所所长", "{x}综治办主任", "{x}民政办主任", "{x}扶贫工作站站长",
         "包村干部", "{x}农业服务中心主任", "{x}计生办主任"),
    ),
    "street": (
        ("街道党工委书记", "街道办事处主任", "街道党工委副书记", "街道纪工委书记", "街道办事处副主任",
         "街道党工委组织委员", "街道党工委宣传委员", "街道武装部部长"),
        ("街道党政办主任", "街道社区建设办主任", "街道综治中心主任", "街道城管科科长", "包片干部",
         "街道社会事务办主任"),
    ),
    "village": (
        ("村党支部书记", "村委会主任", "村党支部副书记", "村党支部委员", "村委会委员"),
        ("村务监督委员会主任", "村会计", "村妇联主席", "村团支部书记", "村民兵连长", "村文书"),
    ),
    "community": (
        ("社区党委书记", "社区居委会主任", "社区党委副书记", "社区党委委员", "社区居委会副主任"),
        ("社区居委会委员", "社区网格员", "社区专职工作者", "社区妇联主席", "社区文书"),
    ),
    "enterprise": (
        ("党委书记、董事长", "总经理、党委副书记", "党委副书记", "纪委书记", "副总经理", "总会计师",
         "工会主席", "副总经理"),
        ("党委组织部部长", "办公室主任", "人力资源部部长", "财务部部长", "安全生产部部长", "党群工作部部长"),
    ),
    "party_office": (
        ("机关党委书记", "机关党委副书记", "机关纪委书记", "机关党委委员"),
        ("机关党委办公室主任", "党务干事", "机关团委书记"),
    ),
    "university": (
        ("党委书记", "校长", "党委副书记", "副校长", "纪委书记", "党委常委、组织部部长", "副校长", "总会计师"),
        ("党委办公室主任", "校长办公室主任", "教务处处长", "学生工作部部长", "科研处处长", "人事处处长"),
    ),
    "college": (
        ("院党委书记", "院长", "院党委副书记", "副院长", "副院长"),
        ("院办公室主任", "系主任", "辅导员", "教研室主任", "教授"),
    ),
    "hospital": (
        ("党委书记", "院长", "党委副书记", "副院长", "纪委书记"),
        ("党委办公室主任", "医务处处长", "护理部主任", "科室主任"),
    ),
}

# Words that mark a party post: whoever holds one is a party member (R0.2 is_party_member).
_PARTY_POST_MARKS = ("党", "书记", "纪", "组织", "宣传", "统战", "政法", "武装", "人武", "秘书长")

#: R0.2 rank of a leadership-team member by unit level; other cadres sit one rank lower.
_TEAM_RANK = {
    Level.PROVINCE: Rank.PROVINCIAL,
    Level.CITY: Rank.DEPARTMENT,
    Level.COUNTY: Rank.COUNTY,
    Level.TOWNSHIP: Rank.SECTION,
    Level.VILLAGE: Rank.SECTION,
}
_LOWER_RANK = {
    Rank.PROVINCIAL: Rank.DEPARTMENT,
    Rank.DEPARTMENT: Rank.COUNTY,
    Rank.COUNTY: Rank.SECTION,
    Rank.SECTION: Rank.SECTION,
}

#: R0.3: share of cadres in each special group (drawn among non-top cadres, so ≈2% of all).
SPECIAL_GROUP_SHARE = 0.024
#: Share of cadres in non-party posts who are not party members.
NON_PARTY_SHARE = 0.15
#: R0.1 share of villages flagged backward (后进村).
BACKWARD_SHARE = 0.05


@dataclass(frozen=True)
class ScaleSpec:
    """How big each level grows at one scale; ranges are inclusive ``(low, high)``."""

    all_counties: bool
    townships_district: tuple[int, int]
    townships_county: tuple[int, int]
    villages_town: tuple[int, int]
    communities_street: tuple[int, int]
    cadres: dict[str, tuple[int, int]]


SPECS: dict[str, ScaleSpec] = {
    # demo: exactly 3 counties × 3 townships × 4 villages; ~3–7 cadres per unit.
    "demo": ScaleSpec(
        all_counties=False,
        townships_district=(3, 3),
        townships_county=(3, 3),
        villages_town=(4, 4),
        communities_street=(4, 4),
        cadres={
            "province": (6, 6), "city": (5, 7), "county": (5, 7), "town": (4, 7), "street": (4, 7),
            "village": (3, 6), "community": (3, 6), "enterprise": (5, 7), "party_office": (3, 5),
            "university": (5, 7), "college": (3, 6), "hospital": (3, 6),
        },
    ),
    # province: ~170 counties, ~2,300 townships, ~50,000 villages/communities, ~300,000 cadres
    # (Hebei in 2014 had about 2,250 township-level and 50,000 village-level units).
    "province": ScaleSpec(
        all_counties=True,
        townships_district=(6, 14),
        townships_county=(10, 21),
        villages_town=(14, 34),
        communities_street=(6, 16),
        cadres={
            "province": (6, 6), "city": (12, 18), "county": (14, 24), "town": (8, 16), "street": (8, 14),
            "village": (3, 8), "community": (3, 8), "enterprise": (10, 14), "party_office": (4, 7),
            "university": (10, 14), "college": (5, 8), "hospital": (5, 8),
        },
    ),
}


@dataclass(eq=False, slots=True)
class Node:
    """A unit planned in memory before it is written; ``posts`` picks the R0.2 post template."""

    name: str
    code: str
    level: int
    kind: str
    posts: str
    suffix: str = ""
    is_backward_village: bool = False
    is_hardest_unit: bool = False
    children: list[Node] = field(default_factory=list)
    path: str = ""
    pk: int | None = None


# ----------------------------------------------------------------------------------------------
# Materialized paths (R0.1), computed exactly as treebeard's MP_Node would.
# ----------------------------------------------------------------------------------------------
_ALPHABET = Unit.alphabet
_STEPLEN = Unit.steplen


def analyze(*models) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL; autovacuum gathers them only later): without
    them the queries that follow plan for empty tables — a per-unit lookup scans 200,000 obligations — and
    the demo takes minutes. ``models``: only their tables (default: every table)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if not models:
            cursor.execute("ANALYZE")
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def path_step(position: int) -> str:
    """Return the path segment of the ``position``-th child (1-based), e.g. 1 → ``"0001"``.

    Same encoding as ``MP_Node._get_path``: the position in base ``len(alphabet)`` (36), left-padded
    with the alphabet's first character to ``steplen`` (4) characters.
    """
    base = len(_ALPHABET)
    digits = ""
    number = position
    while number:
        number, remainder = divmod(number, base)
        digits = _ALPHABET[remainder] + digits
    if len(digits) > _STEPLEN:
        raise ValueError(f"too many children for steplen {_STEPLEN}: {position}")
    return digits.rjust(_STEPLEN, _ALPHABET[0])


def assign_paths(root: Node) -> list[Node]:
    """Give every node its path and return all nodes in path order (parents before children).

    Children are numbered in ``code`` order so the tree matches ``Unit.node_order_by = ["code"]``:
    a later ``add_child`` by treebeard then slots new units in the right place.
    """
    root.path = path_step(1)
    ordered: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        ordered.append(node)
        node.children.sort(key=lambda child: child.code)
        for position, child in enumerate(node.children, start=1):
            child.path = node.path + path_step(position)
        stack.extend(reversed(node.children))
    return ordered


# ----------------------------------------------------------------------------------------------
# The plan: the whole tree in memory (R0.1).
# ----------------------------------------------------------------------------------------------
def _county_suffix(name: str) -> str:
    """县, 区 or 市 — the word the county's own posts are built from (县委书记, 区长, 市长 …)."""
    return name[-1] if name[-1] in "县区市" else "县"


def _county_stem(name: str) -> str:
    """正定县 → 正定, 青龙满族自治县 → 青龙, 迁安市 → 迁安: the stem its seat town is named after."""
    for tail in ("满族蒙古族自治县", "满族自治县", "回族自治县", "矿区", "县", "区", "市"):
        if name.endswith(tail) and len(name) > len(tail):
            return name[: -len(tail)]
    return name


_NAME_SUFFIXES = ("街道", "社区", "村", "镇", "乡")


class _Namer:
    """Draws names from the seeded random generator; keeps names unique among siblings."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _unique(self, make: Callable[[], str], taken: set[str]) -> str:
        for _ in range(50):
            name = make()
            if name not in taken:
                taken.add(name)
                return name
        # Fall back to numbering before the suffix: still unique, still readable (王庄二村 is a real
        # pattern).
        base = make()
        suffix = next(s for s in _NAME_SUFFIXES if base.endswith(s))
        for number in "二三四五六七八九十":
            name = base[: -len(suffix)] + number + suffix
            if name not in taken:
                taken.add(name)
                return name
        raise RuntimeError("could not find a unique name")  # pragma: no cover - needs >60 clashes

    def town(self, suffix: str, taken: set[str]) -> str:
        rng = self.rng
        return self._unique(lambda: rng.choice(_PLACE_HEADS) + rng.choice(_PLACE_TAILS) + suffix, taken)

    def street(self, taken: set[str]) -> str:
        return self._unique(lambda: self.rng.choice(_STREET_STEMS) + "街道", taken)

    def village(self, taken: set[str]) -> str:
        rng = self.rng

        def make() -> str:
            prefix = rng.choice(_VILLAGE_PREFIXES) if rng.random() < 0.3 else ""
            return prefix + rng.choice(_SURNAMES[:60]) + rng.choice(_VILLAGE_SUFFIXES) + "村"

        return self._unique(make, taken)

    def community(self, taken: set[str]) -> str:
        rng = self.rng

        def make() -> str:
            stem, tail = rng.choice(_COMMUNITY_STEMS), rng.choice(_COMMUNITY_TAILS)
            if stem[-1] in "园苑" and tail[-1:] in ("园", "里"):
                tail = ""  # no 怡园园社区
            return stem + tail + "社区"

        return self._unique(make, taken)

    def person(self) -> str:
        rng = self.rng
        surname = rng.choices(_SURNAMES, cum_weights=_SURNAME_WEIGHTS)[0]
        # Cadres of 2014 were mostly men; about a quarter of given names are a single character.
        if rng.random() < 0.72:
            first, second = _GIVEN_MALE, _GIVEN_MALE
        else:
            first, second = _GIVEN_FEMALE_FIRST, _GIVEN_FEMALE
        if rng.random() < 0.25:
            return surname + rng.choice(second)
        given = rng.choice(first) + rng.choice(second)
        return surname + (given if given[0] != given[1] else given[0])

    def phone(self) -> str:
        return self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"


def _plan_township_names(county_code: str, county_name: str, count: int, namer: _Namer) -> list[tuple[str, str]]:
    """Return ``[(name, kind), ...]`` for the townships of a county: 'street' (街道) or 'town' (镇/乡)."""
    real = REAL_TOWNSHIPS.get(county_code)
    if real:
        names = real[:count]
    else:
        rng = namer.rng
        taken: set[str] = set()
        suffix = _county_suffix(county_name)
        if suffix == "区":
            # Urban districts are mostly sub-districts (街道) with a few towns at the edge.
            streets = max(1, round(count * rng.uniform(0.6, 1.0))) if count > 1 else 1
        elif suffix == "市":
            streets = min(count - 1, rng.randint(1, 3)) if count > 1 else 0
        else:
            streets = 0
        names = []
        if suffix != "区":
            # The county seat's town carries the county's name: 正定县 → 正定镇.
            seat = _county_stem(county_name) + "镇"
            taken.add(seat)
            names.append(seat)
        names += [namer.street(taken) for _ in range(streets)]
        while len(names) < count:
            names.append(namer.town("镇" if rng.random() < 0.6 else "乡", taken))
        names = names[:count]
    return [(name, "street" if name.endswith("街道") else "town") for name in names]


def _plan(scale: str, rng: random.Random) -> Node:
    """R0.1: plan the whole unit tree in memory (no database access)."""
    spec = SPECS[scale]
    namer = _Namer(rng)
    root = Node(PROVINCE[1], PROVINCE[0], Level.PROVINCE, UnitKind.PARTY_COMMITTEE, "province")

    for city_code, city_name, counties in CITIES:
        city = Node(city_name, city_code, Level.CITY, UnitKind.PARTY_COMMITTEE, "city")
        root.children.append(city)
        if not spec.all_counties:
            keep = DEMO_COUNTIES[city_code]
            counties = [c for c in counties if c[0] in keep]
        for county_code, county_name in counties:
            suffix = _county_suffix(county_name)
            county = Node(county_name, county_code, Level.COUNTY, UnitKind.PARTY_COMMITTEE, "county", suffix)
            city.children.append(county)
            low, high = spec.townships_district if suffix == "区" else spec.townships_county
            township_count = rng.randint(low, high)
            if spec.all_counties and county_code in REAL_TOWNSHIPS:
                township_count = len(REAL_TOWNSHIPS[county_code])
            candidates: list[Node] = []  # townships and villages that could be the hardest unit
            for t_index, (t_name, t_posts) in enumerate(
                _plan_township_names(county_code, county_name, township_count, namer), start=1
            ):
                township = Node(
                    t_name, f"{county_code}{t_index:03d}", Level.TOWNSHIP, UnitKind.GRASSROOTS, t_posts,
                    "" if t_posts == "street" else t_name[-1],
                )
                county.children.append(township)
                candidates.append(township)
                _plan_villages(township, spec, namer)
                candidates.extend(township.children)
            # R0.1 / R4.1: one "hardest" unit per county, where the top leaders go to stay.
            if candidates:
                hardest = rng.choice(candidates)
                hardest.is_hardest_unit = True
                if hardest.kind == UnitKind.VILLAGE and rng.random() < 0.5:
                    hardest.is_backward_village = True

    for catalogue, top_kind, top_posts, sub_posts in (
        (ENTERPRISES, UnitKind.ENTERPRISE, "enterprise", "enterprise"),
        (UNIVERSITIES, UnitKind.UNIVERSITY, "university", "college"),
    ):
        for code, name, subordinates in catalogue:
            top = Node(name, code, Level.CITY, top_kind, top_posts)
            root.children.append(top)
            for s_index, (s_name, s_kind) in enumerate(subordinates, start=1):
                if s_kind == UnitKind.PUBLIC_INSTITUTION:
                    posts = "hospital"
                elif s_name.endswith("机关党委"):
                    posts = "party_office"
                else:
                    posts = sub_posts
                top.children.append(Node(s_name, f"{code}{s_index:03d}", Level.COUNTY, s_kind, posts))
    return root


def _plan_villages(township: Node, spec: ScaleSpec, namer: _Namer) -> None:
    """Add the villages and communities (R0.1 level VILLAGE) of one township."""
    rng = namer.rng
    taken: set[str] = set()
    real = list(REAL_VILLAGES.get(township.name, []))
    if township.posts == "street":
        count = rng.randint(*spec.communities_street)
        # A sub-district is mostly communities; on the edge of town a few villages remain (城中村).
        kinds = [UnitKind.VILLAGE if rng.random() < 0.1 else UnitKind.COMMUNITY for _ in range(count)]
    else:
        count = rng.randint(*spec.villages_town)
        # The town seat often has a community or two; the rest are villages.
        communities = rng.choice((0, 0, 1, 1, 2)) if township.suffix == "镇" and count > 4 else 0
        kinds = [UnitKind.COMMUNITY] * communities + [UnitKind.VILLAGE] * (count - communities)
    for v_index, kind in enumerate(kinds, start=1):
        if kind == UnitKind.VILLAGE:
            if real:
                name = real.pop(0)
                taken.add(name)
            else:
                name = namer.village(taken)
        else:
            name = namer.community(taken)
        village = Node(name, f"{township.code}{v_index:03d}", Level.VILLAGE, kind, str(kind))
        village.is_backward_village = kind == UnitKind.VILLAGE and rng.random() < BACKWARD_SHARE
        township.children.append(village)


# ----------------------------------------------------------------------------------------------
# Cadres (R0.2, R0.3)
# ----------------------------------------------------------------------------------------------
def _cadres_for(node: Node, spec: ScaleSpec, namer: _Namer) -> Iterator[tuple]:
    """Yield the R0.2 cadres of one unit (rows of ``CADRE_FIELDS``): exactly one top leader, who is the party secretary.

    Team members get the level's team rank, others one rank lower. Among the non-top cadres about
    ``SPECIAL_GROUP_SHARE`` each are drawn into the R0.3 special groups; some holders of non-party
    posts are not party members.
    """
    rng = namer.rng
    team_posts, other_posts = POSTS[node.posts]
    low, high = spec.cadres[node.posts]
    count = rng.randint(low, high)
    team_rank = _TEAM_RANK[Level(node.level)]
    for index in range(count):
        is_top = index == 0
        if index < len(team_posts):
            post, is_team = team_posts[index], True
        else:
            post, is_team = other_posts[(index - len(team_posts)) % len(other_posts)], False
        post = post.replace("{x}", node.suffix)
        special = SpecialGroup.NONE
        if not is_top:
            draw = rng.random()
            if draw < SPECIAL_GROUP_SHARE:
                special = SpecialGroup.STEPPED_BACK
            elif draw < 2 * SPECIAL_GROUP_SHARE:
                special = SpecialGroup.SANCTIONED
            elif draw < 3 * SPECIAL_GROUP_SHARE:
                special = SpecialGroup.MOBILE_MEMBER
        is_party_post = any(mark in post for mark in _PARTY_POST_MARKS)
        # The government head (县长, 镇长, 校长 …) is a party member in practice; the village
        # committee head may not be.
        may_be_non_party = not is_party_post and (index >= 2 or node.posts in ("village", "community"))
        is_party_member = not (may_be_non_party and special != SpecialGroup.MOBILE_MEMBER
                               and rng.random() < NON_PARTY_SHARE)
        if special == SpecialGroup.STEPPED_BACK:
            # Stepped back from the front line (退居二线): off the team, keeps the old title.
            post, is_team = f"原{post}（退居二线）", False
        elif special == SpecialGroup.MOBILE_MEMBER:
            # A mobile party member works away from home and cannot sit on the team meanwhile.
            is_team = False
        # a plain row in CADRE_FIELDS' order (issue 13: 300,000 model objects cost more than their rows)
        yield (node.pk, node.path, namer.person(), post, team_rank if is_team or is_top else _LOWER_RANK[team_rank],
               is_top, is_team, is_top, is_party_member, str(special), namer.phone())


#: the columns ``_cadres_for`` fills, in its rows' order
CADRE_FIELDS = ["unit", "unit_path", "name", "post", "rank", "is_top_leader", "is_team_member",
                "is_party_secretary", "is_party_member", "special_group", "phone"]


def _batched(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def build(scale: str, seed: int = 2014, progress: Progress | None = None) -> dict:
    """Fill an empty database with the demo unit tree (R0.1) and cadres (R0.2, R0.3).

    ``scale`` is ``"demo"`` (33 counties, ~610 units, ~2,950 cadres) or ``"province"`` (167
    counties, ~51,000 units, ~300,000 cadres). ``progress(phase, done, total)`` is called as rows are
    written. Returns counts: ``units``, ``by_level`` (level label → n), ``cities``, ``counties``,
    ``townships``, ``villages``, ``communities``, ``enterprises``, ``universities``, ``cadres``,
    ``backward_villages``, ``hardest_units``, ``special_groups`` and ``non_party``.

    Raises ``DemoDataError`` if the database already holds units: demo data never mixes with, nor
    replaces, real data.
    """
    if scale not in SPECS:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    report = progress or (lambda phase, done, total: None)
    spec = SPECS[scale]
    rng = random.Random(seed)
    namer = _Namer(rng)

    root = _plan(scale, rng)
    nodes = assign_paths(root)

    with transaction.atomic():
        # Checked inside the transaction so a concurrent loader cannot slip in between.
        if Unit.objects.exists():
            raise DemoDataError("the database already holds units")

        # Units: rows built straight from the plan (path/depth/numchild as treebeard computes them).
        total = len(nodes)
        report("units", 0, total)
        done = 0
        for batch in _batched(nodes, BATCH_SIZE):
            rows = [
                Unit(
                    path=node.path,
                    depth=len(node.path) // _STEPLEN,
                    numchild=len(node.children),
                    name=node.name,
                    code=node.code,
                    level=node.level,
                    kind=node.kind,
                    is_backward_village=node.is_backward_village,
                    is_hardest_unit=node.is_hardest_unit,
                )
                for node in batch
            ]
            Unit.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            for node, row in zip(batch, rows):
                node.pk = row.pk
            done += len(batch)
            report("units", done, total)
        if any(node.pk is None for node in nodes):
            # Backends that cannot return ids from a bulk insert: look them up by the unique code.
            ids = dict(Unit.objects.values_list("code", "pk"))
            for node in nodes:
                node.pk = ids[node.code]

        # Cadres: generated unit by unit and flushed in batches, so memory stays flat.
        report("cadres", 0, total)
        buffer: list[Cadre] = []
        for done, node in enumerate(nodes, start=1):
            buffer.extend(_cadres_for(node, spec, namer))
            if len(buffer) >= BATCH_SIZE:
                insert_rows(Cadre, CADRE_FIELDS, buffer)
                buffer = []
                report("cadres", done, total)
        if buffer:
            insert_rows(Cadre, CADRE_FIELDS, buffer)
        report("cadres", total, total)

    return counts()


def counts() -> dict:
    """Count what is in the database now: units by level and kind, cadres, R0.1 flags, R0.3 groups."""
    by_level_raw = Counter(dict(_group_count(Unit.objects.all(), "level")))
    by_kind = Counter(dict(_group_count(Unit.objects.all(), "kind")))
    groups = dict(_group_count(Cadre.objects.exclude(special_group=SpecialGroup.NONE), "special_group"))
    return {
        "units": sum(by_level_raw.values()),
        "by_level": {str(Level(level).label): by_level_raw[level] for level in sorted(by_level_raw)},
        "cities": Unit.objects.filter(level=Level.CITY, kind=UnitKind.PARTY_COMMITTEE).count(),
        "counties": Unit.objects.filter(level=Level.COUNTY, kind=UnitKind.PARTY_COMMITTEE).count(),
        "townships": by_level_raw[Level.TOWNSHIP],
        "villages": by_kind[UnitKind.VILLAGE],
        "communities": by_kind[UnitKind.COMMUNITY],
        "enterprises": Unit.objects.filter(level=Level.CITY, kind=UnitKind.ENTERPRISE).count(),
        "universities": by_kind[UnitKind.UNIVERSITY],
        "cadres": Cadre.objects.count(),
        "backward_villages": Unit.objects.filter(is_backward_village=True).count(),
        "hardest_units": Unit.objects.filter(is_hardest_unit=True).count(),
        "special_groups": {str(SpecialGroup(key).label): groups.get(key, 0)
                           for key in SpecialGroup.values if key},
        "non_party": Cadre.objects.filter(is_party_member=False).count(),
    }


def _group_count(queryset, field_name: str) -> list[tuple]:
    """``[(value, n), ...]`` of ``queryset`` grouped by ``field_name``."""
    return list(queryset.order_by().values_list(field_name).annotate(n=Count("pk")).values_list(field_name, "n"))


# ----------------------------------------------------------------------------------------------
# Demo accounts: one per role, each bound to a unit (the unit's subtree is the account's scope).
# ----------------------------------------------------------------------------------------------
#: (username, role, unit code, Chinese name)
DEMO_ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("admin", Role.ADMIN, "130000", "赵立新"),
    ("prov_office", Role.OFFICE, "130000", "李红梅"),
    ("city_office", Role.OFFICE, "130100", "张建伟"),
    ("county_office", Role.OFFICE, "130123", "刘志华"),
    ("county_office_b", Role.OFFICE, "130283", "陈晓东"),
    ("supervisor", Role.SUPERVISOR, "130100", "杨国庆"),
    ("liaison", Role.LIAISON, "130123", "孙丽娜"),
    ("leader", Role.LEADER, "130000", "周振华"),
]


def create_demo_accounts() -> list[tuple[str, str, str, str]]:
    """Create (or reset) one login per portal role with its RoleAssignment; R0.1 units as scope.

    All passwords are ``DEMO_PASSWORD``. ``admin`` is a superuser: the Django admin is for superusers, and
    the portal's pages let it see and manage everything. Every other county gets an activity office account
    of its own (``office_<county code>``, see ``create_county_offices``), so the reminders of its townships and
    villages go to it rather than flooding the provincial office. Returns
    ``[(username, password, role, unit name), ...]`` (the county offices as one summary row). Needs the units
    河北省, 石家庄市, 正定县 and 迁安市, which both scales build.
    """
    User = get_user_model()
    units = {unit.code: unit for unit in Unit.objects.filter(code__in={a[2] for a in DEMO_ACCOUNTS})}
    rows: list[tuple[str, str, str, str]] = []
    hashed = make_password(DEMO_PASSWORD)  # one hash for all: hashing is slow by design (~0.3 s each)
    with transaction.atomic():
        for username, role, unit_code, full_name in DEMO_ACCOUNTS:
            unit = units[unit_code]
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = full_name
            user.is_staff = user.is_superuser = role == Role.ADMIN
            user.is_active = True
            user.password = hashed
            user.save()
            RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
            rows.append((username, DEMO_PASSWORD, str(role), unit.name))
        offices = create_county_offices(hashed)
    if offices:
        rows.append((f"{COUNTY_OFFICE_PREFIX}<code>", DEMO_PASSWORD, str(Role.OFFICE), f"{offices} counties / 个县"))
    return rows


#: the username of a demo county's own activity office account: ``office_130124``
COUNTY_OFFICE_PREFIX = "office_"


def create_county_offices(hashed: str | None = None) -> int:
    """R0.1 one activity office account per county without one (``office_<code>``, named after the county's
    office): reminders go to the nearest office at most two levels up (``campaign`` Recipients), so without
    these a county's own obligations would all land on the provincial office. Returns how many counties
    have such an account. One password hash for all (hashing is slow by design): ``hashed``, or made here."""
    User = get_user_model()
    counties = list(Unit.objects.filter(level=Level.COUNTY).order_by("path"))
    staffed = set(RoleAssignment.objects.filter(role=Role.OFFICE, unit__in=counties).values_list("unit_id", flat=True))
    wanted = {f"{COUNTY_OFFICE_PREFIX}{c.code}": c for c in counties if c.pk not in staffed}
    existing = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    hashed = hashed or make_password(DEMO_PASSWORD)
    User.objects.bulk_create([User(username=name, first_name=f"{county.name}活动办", password=hashed)
                              for name, county in wanted.items() if name not in existing])
    users = dict(User.objects.filter(username__in=wanted).values_list("username", "pk"))
    RoleAssignment.objects.bulk_create([RoleAssignment(user_id=users[name], unit=county, role=Role.OFFICE)
                                        for name, county in wanted.items()], ignore_conflicts=True)
    return RoleAssignment.objects.filter(role=Role.OFFICE, unit__in=counties).values("unit_id").distinct().count()


def existing_demo_accounts() -> list[tuple[str, str, str, str]]:
    """The demo accounts that exist now, as ``create_demo_accounts`` reports them (no writes)."""
    User = get_user_model()
    wanted = {(username, str(role), code) for username, role, code, _ in DEMO_ACCOUNTS}
    found = (
        RoleAssignment.objects.filter(user__username__in={w[0] for w in wanted})
        .select_related("user", "unit")
        .order_by("pk")
    )
    present = {(a.user.username, a.role, a.unit.code): a.unit.name for a in found}
    rows = []
    for username, role, code, _ in DEMO_ACCOUNTS:
        key = (username, str(role), code)
        if key in present and User.objects.filter(username=username, is_active=True).exists():
            rows.append((username, DEMO_PASSWORD, str(role), present[key]))
    return rows
