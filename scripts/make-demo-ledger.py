#!/usr/bin/env python3
"""Writes Config/demo/ledger-2021.csv: a year of synthetic payments for the bundled projects,
replayed by the year-long demo (`make run`). Deterministic; re-run to rebuild.

The story it tells: 殷官屯村 rent in four batches, mostly on time but its October batch late (an
overdue alert, then a caught-up notice); 南朱庄子村 paid late in April; the school green belt at
once in May; subsidies quarterly; village transfers in quarterly tranches; operating funds spent
month by month, a little behind in the spring.
"""
import csv, io, os

ROOT = os.path.join(os.path.dirname(__file__), "..", "Config")
OUT = os.path.join(ROOT, "demo", "ledger-2021.csv")


def rows(name):
    with open(os.path.join(ROOT, "payees", name), encoding="utf-8-sig") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def fen(text):
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def owed_household(row, rate, years):
    area = fen(row["area_mu"])  # hundredths of a mu
    total = rate * area * years  # fen * centimu
    return (total * 2 + 100) // 200  # /100, rounded half up (all positive)


def largest_remainder(total, shares):
    s = sum(shares)
    parts = [total * x // s for x in shares]
    rema = sorted(range(len(shares)), key=lambda i: (-(total * shares[i] % s), i))
    for i in rema[: total - sum(parts)]:
        parts[i] += 1
    return parts


def yuan(f):
    return "%d.%02d" % divmod(f, 100)


CODES = {
    "yinguantun": "130208214IGHSSTAFMWVM", "community": "130208217BKQV3GD4D3DG", "campus": "130208219GA6VU0W7WI0D",
    "transfer": "13020821NMU6NGEWZEKGI", "nanzhu": "13020821OTGZID34MT208", "subsidy": "13020821R015HCXKP9UDA",
    "ops2020": "13020821T50DTWYIBCH9T", "ops2021": "13020821XOURQ66290XVZ", "office": "13020821XSDMS58L4Y2RR",
}
out = []
ref = [0]


def pay(code, payee, amount, date):
    ref[0] += 1
    out.append(("YCP2021%05d" % ref[0], code, payee, yuan(amount), date, "成功"))


# 殷官屯村: 120 households in four batches of 30; the third batch late (2021-11-08, after 10月底).
households = rows("yinguantun-households.csv")
for index, row in enumerate(households):
    date = ["2021-03-22", "2021-06-24", "2021-11-08", "2021-12-20"][min(index // 30, 3)]
    pay(CODES["yinguantun"], row["id"], owed_household(row, 180000, 3), date)
# 南朱庄子村: everyone paid in April, after the March milestone.
for row in rows("nanzhuzhuangzi-households.csv"):
    pay(CODES["nanzhu"], row["id"], owed_household(row, 180000, 6), "2021-04-15")
# 环校绿化资金: all in May.
for row in rows("campus-greening-households.csv"):
    pay(CODES["campus"], row["id"], owed_household(row, 185000, 1), "2021-05-12")
# 四术并发症费用: each person in quarterly quarters (of the whole amount).
for row in rows("complication-subsidy-persons.csv"):
    for amount, date in zip(largest_remainder(fen(row["amount_yuan"]), [1, 1, 1, 1]), ["2021-03-10", "2021-06-10", "2021-09-10", "2021-12-10"]):
        pay(CODES["subsidy"], row["id"], amount, date)
# 村级转移支付: each village's share in four tranches.
transfer = rows("village-transfer-2021.csv")
shares = largest_remainder(21150000, [int(r["share"]) for r in transfer])
for row, share in zip(transfer, shares):
    for amount, date in zip(largest_remainder(share, [1, 1, 1, 1]), ["2021-03-25", "2021-06-25", "2021-10-25", "2021-12-25"]):
        pay(CODES["transfer"], row["village_id"], amount, date)
# 金域名邸社区办公经费: quarterly.
for amount, date in zip(largest_remainder(10000000, [1, 1, 1, 1]), ["2021-03-15", "2021-06-15", "2021-10-15", "2021-12-15"]):
    pay(CODES["community"], "C01", amount, date)
# Operating funds: spent monthly, the first quarter slow.
for key, budget in (("ops2020", 194500000), ("ops2021", 310500000), ("office", 2000000)):
    months = [1, 1, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4]
    for amount, month in zip(largest_remainder(budget, months), range(1, 13)):
        pay(CODES[key], "-", amount, "2021-%02d-20" % month)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w", encoding="utf-8", newline="") as f:
    f.write("# Synthetic bank batch results for the year-long demo (scripts/make-demo-ledger.py).\n")
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["bank_reference", "project_code", "payee_id", "amount_yuan", "date", "status"])
    w.writerows(out)
print("wrote", OUT, len(out), "payments")
