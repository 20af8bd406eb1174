#!/usr/bin/env python3
"""Writes the Word and Excel fixtures of the OOXML importer tests, with python-docx and
openpyxl, and XlsxWriter (never with Fafang): `pip install python-docx openpyxl xlsxwriter`, then run this script from
anywhere. It reads the seed goal document (../seed-2021.txt), the bundled Yinguantun register
and the demo ledger, and writes next to itself:

- goals-seed.docx      the seed's goal tables as Word tables: gridSpan and vMerge merges,
                       bookmarks, tabs in cells, multi-paragraph cells;
- goals-flat.xlsx      the same projects in the flat layout (one row per indicator, 13 columns,
                       预算数 in 元), with a title row and project columns merged down;
- goals-flat.docx      that flat table in Word (vMerge down the project columns);
- goals-flat-bad.xlsx  one 指标性质 that is no comparator;
- households.xlsx      the Yinguantun register: a notes sheet first, then sheet 殷官屯村 with a
                       title row, the village merged down, phones and areas as numbers (some
                       phones as floats), a name in rich text, a 合计 row and formatted empty
                       rows below;
- households-bad.xlsx  bad cells (a 10-digit phone at D14, an area that is no number, a whole
                       card number);
- ledger.xlsx          bank batch results: dates as serial numbers (and one as text), amounts
                       as numbers, a failed transfer, a 合计 row; ledger.csv the same rows as CSV;
- ledger-1904.xlsx     the same in the 1904 date system;
- ledger-shared.xlsx   the same rows by XlsxWriter: shared strings (openpyxl writes inline
                       ones), one of them rich text;
- ledger-bad.xlsx      an amount with three decimals and a date that is none.
"""
import csv
import datetime
import re
from decimal import Decimal
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
import openpyxl
import xlsxwriter
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
SEED = HERE.parent / "seed-2021.txt"


# ---- the seed's text export, read with the same rules as GoalDocumentText ----

def strip_bookmarks(text):
    marks = []
    while text.startswith("[bookmark:") and "]" in text:
        close = text.index("]")
        marks.append(text[len("[bookmark:"):close].strip())
        text = text[close + 1:]
    return text, marks


def read_seed():
    """Blocks: ("p", text, bookmarks) and ("table", rows); a row is a list of cells, a cell a
    list of paragraphs."""
    lines = SEED.read_text(encoding="utf-8").lstrip("\ufeff").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    blocks, table, row, blanks = [], None, None, 0
    for raw in lines:
        if raw.startswith("\t"):
            if table is None:
                table = []
            if row is None:
                row = []
            row.append([raw[1:].strip()])
            blanks = 0
            continue
        text, marks = strip_bookmarks(raw)
        if text.strip() == "" and not marks:
            if row is not None:
                table.append(row)
                row = None
                blanks = 0
                continue
            blanks += 1
            if table is not None:
                blocks.append(("table", table))
                table = None
            blocks.append(("p", "", []))
            continue
        if row is not None:
            row[-1].append(text.strip())
            continue
        if table is not None:
            blocks.append(("table", table))
            table = None
        blocks.append(("p", text.strip(), marks))
    if row is not None:
        table.append(row)
    if table is not None:
        blocks.append(("table", table))
    return blocks


def add_bookmarks(paragraph, names, first_id):
    for offset, name in enumerate(names):
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(first_id + offset))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(first_id + offset))
        paragraph._p.insert(0, start)
        paragraph._p.append(end)


def set_cell(cell, paragraphs):
    cell.paragraphs[0].add_run(paragraphs[0])
    for text in paragraphs[1:]:
        cell.add_paragraph(text)


def write_goal_docx(blocks, path):
    document = docx.Document()
    bookmark = 0
    for block in blocks:
        if block[0] == "p":
            paragraph = document.add_paragraph(block[1])
            if block[2]:
                add_bookmarks(paragraph, block[2], bookmark)
                bookmark += len(block[2])
            continue
        rows = block[1]
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for r, cells in enumerate(rows):
            for c, paragraphs in enumerate(cells):
                if c == 0 and r > 0 and paragraphs == [""]:
                    continue  # continues the merge above
                set_cell(table.cell(r, c), paragraphs)
            if len(cells) < width:  # the last cell spans the rest of the grid: w:gridSpan
                table.cell(r, len(cells) - 1).merge(table.cell(r, width - 1))
        top = 0
        for r in range(1, len(rows)):  # an empty first cell continues the one above: w:vMerge
            if rows[r][0] == [""]:
                table.cell(top, 0).merge(table.cell(r, 0))
            else:
                top = r
    document.save(path)


# ---- the flat layout ----

FLAT_HEADINGS = ["项目编码", "项目名称", "预算数（元）", "其中：财政资金（元）", "年度绩效目标", "一级指标", "二级指标",
                 "三级指标", "指标性质", "指标值", "度量单位", "权重", "指标方向性"]
TARGET = re.compile(r"^(大于等于|小于等于|≥|≤|>|<|=|＝)?([0-9][0-9.,]*)(.*)$")
SIGNS = {"大于等于": "≥", "小于等于": "≤", "＝": "=", None: "="}


def seed_projects(blocks):
    """(code, name, budget 元, fiscal 元, goals, indicators) of each project table."""
    projects, current, level1, in_indicators = [], None, "", False
    for block in blocks:
        if block[0] == "p":
            if block[1].endswith("绩效目标表") and block[1][:1].isdigit():
                current = {"indicators": [], "goals": ""}
                projects.append(current)
                in_indicators = False
            continue
        if current is None:
            continue
        for cells in block[1]:
            texts = ["\n".join(p for p in cell if p) for cell in cells]
            if in_indicators:
                if len(texts) == 6:
                    level1 = texts[0] or level1
                    texts = texts[1:]
                current["indicators"].append((level1, *texts[:4]))
                continue
            if "项目编码" in texts:
                current["code"] = texts[texts.index("项目编码") + 1]
                current["name"] = texts[texts.index("项目名称") + 1]
            if "预算数" in texts:
                current["budget"] = Decimal(texts[texts.index("预算数") + 1]) * 10000
                current["fiscal"] = Decimal(texts[texts.index("其中：财政资金") + 1]) * 10000
            if texts[0].startswith("绩效目标"):
                current["goals"] = texts[1]
            if texts[0] == "一级指标":
                in_indicators = True
    return projects


def split_target(level2, value):
    """指标性质, 指标值, 度量单位 of a text-export target (`≥1100亩` is ≥, 1100, 亩)."""
    match = TARGET.match(value)
    unit = match.group(3).strip() if match else ""
    if "时效" in level2 or not match or len(unit) > 8 or re.search(r"[0-9，,。；;：:]", unit):
        return "定性", value, ""
    unit = "%" if unit in ("百分比", "%", "％") else unit
    return SIGNS.get(match.group(1), match.group(1)), match.group(2), unit


def flat_rows(projects):
    """Rows of the flat table, and each project's first and last row index."""
    rows, spans = [], []
    for project in projects:
        first = len(rows)
        count = len(project["indicators"])
        for index, (level1, level2, level3, _description, value) in enumerate(project["indicators"]):
            sign, number, unit = split_target(level2, value)
            weight = 100 // count + (100 % count if index == 0 else 0)
            direction = {"≥": "正向", ">": "正向", "≤": "反向", "<": "反向"}.get(sign, "中性")
            amount = int(project["budget"]) if project["budget"] == int(project["budget"]) else float(project["budget"])
            fiscal = int(project["fiscal"]) if project["fiscal"] == int(project["fiscal"]) else float(project["fiscal"])
            number_cell = int(number) if number.isdigit() else number
            rows.append([project["code"], project["name"], amount, fiscal, project["goals"], level1, level2, level3,
                         sign, number_cell, unit, weight, direction])
        spans.append((first, len(rows) - 1))
    return rows, spans


def write_flat_xlsx(projects, path, damage=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "绩效目标表"
    sheet["A1"] = "2021年项目支出绩效目标表"
    sheet["A1"].font = Font(bold=True, size=16)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FLAT_HEADINGS))
    sheet["A2"] = "单位：元"
    sheet.append(FLAT_HEADINGS)
    rows, spans = flat_rows(projects)
    if damage:
        damage(rows)
    for row in rows:
        sheet.append(row)
    offset = 4  # sheet row of rows[0]
    for first, last in spans:
        if last > first:
            for column in range(1, 6):  # code, name, budget, fiscal, goals merged down the project
                sheet.merge_cells(start_row=offset + first, start_column=column, end_row=offset + last, end_column=column)
        run = first
        for index in range(first + 1, last + 2):
            if index > last or rows[index][5] != rows[run][5]:
                if index - 1 > run:
                    sheet.merge_cells(start_row=offset + run, start_column=6, end_row=offset + index - 1, end_column=6)
                run = index
    for index in range(offset, offset + len(rows)):
        sheet.cell(row=index, column=5).alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)


def write_flat_docx(projects, path):
    document = docx.Document()
    document.add_paragraph("2021年项目支出绩效目标表")
    rows, spans = flat_rows(projects)
    table = document.add_table(rows=len(rows) + 2, cols=len(FLAT_HEADINGS))
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, len(FLAT_HEADINGS) - 1))  # 单位：元 across the grid
    table.cell(0, 0).paragraphs[0].add_run("单位：元")
    for column, heading in enumerate(FLAT_HEADINGS):
        table.cell(1, column).paragraphs[0].add_run(heading)
    for index, row in enumerate(rows):
        for column, value in enumerate(row):
            if column < 5 and any(first < index <= last for first, last in spans):
                continue
            for n, text in enumerate(str(value).split("\n")):
                cell = table.cell(index + 2, column)
                (cell.paragraphs[0].add_run(text) if n == 0 else cell.add_paragraph(text))
    for first, last in spans:
        if last > first:
            for column in range(5):
                table.cell(first + 2, column).merge(table.cell(last + 2, column))
    document.save(path)


# ---- registers and bank results ----

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def write_households(path, rows, bad=False):
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "填表说明"
    notes["A1"] = "本表为天柱租地费发放花名册；手机号、面积按数字填写，卡号只填后四位。"
    sheet = book.create_sheet("殷官屯村")
    sheet["A1"] = "丰润区银城铺乡殷官屯村天柱租地费发放花名册"
    sheet.merge_cells("A1:H1")
    sheet["A2"] = "填报单位：殷官屯村委会        单位：元、亩"
    sheet.merge_cells("A2:H2")
    headings = ["户号", "户主", "所属村", "手机号", "卡号后四位", "面积（亩）", "每亩租金（元/年）", "年限"]
    sheet.append(headings)
    first = 4
    for index, record in enumerate(rows):
        phone = int(record["phone"]) if record["phone"] else None
        if phone is not None and index % 3 == 1:
            phone = float(phone)  # a phone typed into a General cell after a calculation: a double
        area = float(record["area_mu"])
        sheet.append([record["id"], record["name"], record["village"] if index == 0 else None, phone,
                      record["card_tail"], area, None, None])
    last = first + len(rows) - 1
    name = rows[4]["name"]  # a name typed with its surname in bold: rich-text runs in the shared strings
    sheet.cell(row=first + 4, column=2).value = CellRichText(TextBlock(InlineFont(b=True), name[0]), name[1:])
    sheet.merge_cells(start_row=first, start_column=3, end_row=last, end_column=3)  # the village down its rows
    sheet.cell(row=last + 1, column=1).value = "合计"
    sheet.cell(row=last + 1, column=6).value = f"=SUM(F{first}:F{last})"
    for row in range(last + 2, last + 8):  # formatted rows with nothing in them
        for column in range(1, 9):
            sheet.cell(row=row, column=column).border = BOX
            sheet.cell(row=row, column=column).fill = PatternFill("solid", fgColor="FFF2CC")
    book.save(path)


def write_households_bad(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "殷官屯村"
    sheet["A1"] = "殷官屯村天柱租地费发放花名册"
    sheet.append(["户号", "户主", "所属村", "手机号", "卡号后四位", "面积（亩）", "每亩租金（元/年）", "年限"])
    for number in range(1, 15):
        sheet.append([f"YGT{number:03d}", f"户主{number}", "殷官屯村", 17000000000 + number, f"{1000 + number}", 10.5, None, None])
    sheet["D14"] = 1381234567            # ten digits
    sheet["F9"] = "十亩"                  # no number
    sheet["E11"] = "6222021234567890123"  # a whole card number
    book.save(path)


def ledger_records():
    with (ROOT / "Config/demo/ledger-2021.csv").open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines))[:24]


def write_ledger(path, records, epoch=None, damage=None):
    book = openpyxl.Workbook()
    if epoch is not None:
        book.epoch = epoch
    sheet = book.active
    sheet.title = "代发结果"
    sheet["A1"] = "银城铺乡财政所 银行批量代发结果"
    sheet.merge_cells("A1:G1")
    sheet.append(["交易流水号", "项目编码", "户号", "姓名", "金额", "日期", "状态"])
    for index, record in enumerate(records):
        day = datetime.date.fromisoformat(record["date"])
        amount = Decimal(record["amount_yuan"])
        number = int(amount) if amount == int(amount) else float(amount)
        date_cell = day.strftime("%Y/%m/%d") if index == 2 else datetime.datetime(day.year, day.month, day.day)
        sheet.append([record["bank_reference"], record["project_code"], record["payee_id"], "", number, date_cell,
                      record["status"] or "成功"])
        if index != 2:
            sheet.cell(row=sheet.max_row, column=6).number_format = "yyyy-mm-dd"
    failed = sheet.max_row + 1
    sheet.append(["YCP2021FAILED", records[0]["project_code"], records[0]["payee_id"], "", 100, datetime.datetime(2021, 4, 1), "失败"])
    sheet.cell(row=failed, column=6).number_format = "yyyy年m月d日"
    if damage:
        damage(sheet)
    sheet.append(["合计", None, None, None, f"=SUM(E3:E{sheet.max_row})", None, None])
    for row in range(sheet.max_row + 1, sheet.max_row + 5):
        for column in range(1, 8):
            sheet.cell(row=row, column=column).border = BOX
    book.save(path)


def write_ledger_shared(path, records):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("代发结果")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, ["交易流水号", "项目编码", "户号", "金额", "日期", "状态"])
    for index, record in enumerate(records, start=1):
        amount = Decimal(record["amount_yuan"])
        sheet.write_row(index, 0, [record["bank_reference"], record["project_code"], record["payee_id"]])
        sheet.write_number(index, 3, float(amount))
        day = datetime.date.fromisoformat(record["date"])
        sheet.write_datetime(index, 4, datetime.datetime(day.year, day.month, day.day), dates)
        sheet.write_string(index, 5, record["status"] or "成功")
    sheet.write_rich_string(1, 5, bold, "成", "功")  # rich-text runs in the shared strings
    book.close()


def main():
    blocks = read_seed()
    write_goal_docx(blocks, HERE / "goals-seed.docx")
    projects = seed_projects(blocks)
    write_flat_xlsx(projects, HERE / "goals-flat.xlsx")
    write_flat_docx(projects, HERE / "goals-flat.docx")

    def bad_comparator(rows):
        rows[3][8] = "约等于"
    write_flat_xlsx(projects, HERE / "goals-flat-bad.xlsx", damage=bad_comparator)

    with (ROOT / "Config/payees/yinguantun-households.csv").open(encoding="utf-8") as handle:
        households = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    write_households(HERE / "households.xlsx", households)
    write_households_bad(HERE / "households-bad.xlsx")

    records = ledger_records()
    write_ledger(HERE / "ledger.xlsx", records)
    write_ledger(HERE / "ledger-1904.xlsx", records, epoch=CALENDAR_MAC_1904)
    write_ledger_shared(HERE / "ledger-shared.xlsx", records)

    def bad_cells(sheet):
        sheet["E5"] = 1234.567
        sheet["F7"] = "下周二"
    write_ledger(HERE / "ledger-bad.xlsx", records, damage=bad_cells)
    with (HERE / "ledger.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["bank_reference", "project_code", "payee_id", "amount_yuan", "date", "status"])
        for record in records:
            writer.writerow([record["bank_reference"], record["project_code"], record["payee_id"], record["amount_yuan"],
                             record["date"], record["status"] or "成功"])


if __name__ == "__main__":
    main()
