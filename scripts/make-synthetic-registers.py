#!/usr/bin/env python3
"""Writes the synthetic payee registers under Config/payees/ (deterministic; re-run to rebuild).

Every name, phone number and card tail here is invented. Phone numbers are all in the
170-0000-xxxx block so that they are recognisably synthetic. Totals are chosen to match the
seed document's own indicators (see README "Bundled configuration").
"""
import csv, io, os, random

OUT = os.path.join(os.path.dirname(__file__), "..", "Config", "payees")
rng = random.Random(20210101)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "淑兰秀英桂芝玉珍凤霞国庆建国建军志强海涛春生德福永利长林宝山金才文明振华立新红梅丽娟翠平秋菊雪芳树森占江广田"
phone_counter = [0]


def name():
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
    return rng.choice(SURNAMES) + given


def phone():
    phone_counter[0] += 1
    return "1700000%04d" % phone_counter[0]


def tail():
    return "%04d" % rng.randrange(10000)


def split_centi(total, n, lo, hi):
    """n positive parts (in hundredths) between lo and hi summing to total."""
    while True:
        parts = [rng.randint(lo, hi) for _ in range(n - 1)]
        last = total - sum(parts)
        if lo <= last <= hi:
            return parts + [last]


def write(name, header, rows, notes):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        for note in notes:
            f.write("# " + note + "\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print("wrote", path, len(rows), "rows")


VILLAGES = [
    ("V01", "殷官屯村", "村", "no"), ("V02", "南朱庄子村", "村", "no"),
    ("V03", "北朱庄子村", "村", "yes"), ("V04", "东王庄村", "村", "yes"), ("V05", "西王庄村", "村", "yes"),
    ("V06", "李家屯村", "村", "yes"), ("V07", "张家庄村", "村", "yes"), ("V08", "刘家营村", "村", "yes"),
    ("V09", "高庄子村", "村", "yes"), ("V10", "马各庄村", "村", "yes"), ("V11", "杨家铺村", "村", "yes"),
    ("V12", "孙家屯村", "村", "yes"), ("V13", "前韩庄村", "村", "yes"), ("V14", "后韩庄村", "村", "yes"),
    ("V15", "小河庄村", "村", "yes"), ("V16", "大新庄村", "村", "yes"),
    ("C01", "金域名邸社区", "社区", "no"),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    write("villages.csv", ["id", "name", "type", "contact_phone", "webhooks", "synthetic"],
          [(vid, vname, vtype, phone(), "village-" + vid.lower(), syn) for vid, vname, vtype, syn in VILLAGES],
          ["Villages and the community of the township. synthetic=yes: the village itself is invented;",
           "all contact phones (170-0000-xxxx) are invented. webhooks name [endpoints] in fafang.toml."])

    # 殷官屯村: 1100.00 亩 at 1800 元/亩/年 for 3 years = 594.00 万元.
    areas = split_centi(110000, 120, 300, 1500)
    write("yinguantun-households.csv",
          ["id", "name", "village", "phone", "card_tail", "area_mu", "rate_yuan_per_mu", "years"],
          [("YGT%03d" % (i + 1), name(), "殷官屯村", phone(), tail(), "%d.%02d" % divmod(a, 100), "", "")
           for i, a in enumerate(areas)],
          ["天柱租地费（殷官屯村）: synthetic households; area sums to 1100.00 亩 (indicator ≥1100亩).",
           "Empty rate/years take the project's defaults (1800 元/亩/年, 3 years)."])

    # 南朱庄子村: 42.53 亩 at 1800 元/亩/年 for 6 years (two 3-year terms) = 459,324 元 vs 459,300 budget.
    areas = split_centi(4253, 8, 300, 800)
    write("nanzhuzhuangzi-households.csv",
          ["id", "name", "village", "phone", "card_tail", "area_mu", "rate_yuan_per_mu", "years"],
          [("NZZ%03d" % (i + 1), name(), "南朱庄子村", phone(), tail(), "%d.%02d" % divmod(a, 100), "", "")
           for i, a in enumerate(areas)],
          ["天柱租地费（南朱庄子村）: synthetic households; area sums to 42.53 亩 (indicator ≥42.53亩).",
           "Assumed term: 6 years (two 3-year prepayments) at 1800 元/亩/年; see the project file."])

    # 环校绿化资金: 14.00 亩 at 1850 元/亩/年 for 1 year = 25,900 元 = 2.59 万元.
    areas = split_centi(1400, 5, 150, 450)
    villages = ["殷官屯村", "殷官屯村", "北朱庄子村", "东王庄村", "东王庄村"]
    write("campus-greening-households.csv",
          ["id", "name", "village", "phone", "card_tail", "area_mu", "rate_yuan_per_mu", "years"],
          [("HXL%03d" % (i + 1), name(), villages[i], phone(), tail(), "%d.%02d" % divmod(a, 100), "", "")
           for i, a in enumerate(areas)],
          ["环校绿化资金: synthetic households renting land for the school's green belt;",
           "assumed 14.00 亩 at 1850 元/亩/年 for 1 year = 25,900.00 元 = 2.59 万元."])

    amounts = ["4800.00", "4800.00", "4400.00", "4400.00", "4100.00", "4100.00", "4100.00"]
    pvillages = ["殷官屯村", "南朱庄子村", "李家屯村", "张家庄村", "刘家营村", "高庄子村", "马各庄村"]
    write("complication-subsidy-persons.csv",
          ["id", "name", "village", "phone", "card_tail", "amount_yuan"],
          [("SSB%03d" % (i + 1), name(), pvillages[i], phone(), tail(), a) for i, a in enumerate(amounts)],
          ["四术并发症费用: synthetic persons (indicator ≥6人); amounts sum to 30,700.00 元 = 3.07 万元."])

    shares = [rng.randint(180, 620) for _ in range(16)]
    write("village-transfer-2021.csv", ["village_id", "share"],
          [(VILLAGES[i][0], s) for i, s in enumerate(shares)],
          ["村级转移支付: 21.15 万元 shared by the 16 villages in proportion to share",
           "(synthetic resident counts), split to the fen by largest remainder."])

    write("community-office-2021.csv", ["village_id", "amount_yuan"], [("C01", "100000.00")],
          ["金域名邸社区办公经费: the whole 10.00 万元 goes to the community."])


main()
