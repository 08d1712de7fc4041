import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from tabular import TableError, open_table, parse_partial_date

from .build import with_cached_values, xlsx


def read_all(source, **kwargs):
    with open_table(source, **kwargs) as table:
        return table, list(table)


def test_title_row_and_blank_rows_above_header(tmp_path):
    path = xlsx(tmp_path / "list.xlsx", [
        ["Список граждан Республики Индия, проходящих военную службу", None, None],
        [None, None, None],
        ["№ п/п", "Ф.И.О.", "Дата рождения"],
        [1, "Kumar Ravi", "09.08.1995"],
        [None, None, None],
        [2, "Singh Amit", "1990"],
    ], merges=["A1:C1"])
    table, rows = read_all(path)
    assert (table.header_row, table.encoding, table.delimiter, table.sheet) == (3, "xlsx", None, "Sheet1")
    assert table.fields == ["id", "full_name", "date_of_birth"]
    assert [(r.number, r.values["full_name"]) for r in rows] == [(4, "Kumar Ravi"), (6, "Singh Amit")]


def test_merged_two_row_header(tmp_path):
    # The host ministry's layout: "ФИО" over three sub-columns, other headers merged down.
    path = xlsx(tmp_path / "host.xlsx", [
        ["Список", None, None, None, None, None, None],
        ["№", "ФИО", None, None, "Дата рождения", "Паспорт", "Примечание"],
        [None, "Фамилия", "Имя", "Отчество", None, None, None],
        [1, "Kumar", "Ravi", None, dt.datetime(1995, 8, 9), "Z1234567", "ранен"],
    ], merges=["A1:G1", "A2:A3", "B2:D2", "E2:E3", "F2:F3", "G2:H3"])
    table, rows = read_all(path)
    assert table.header_row == 2
    assert table.headers == ["№", "ФИО / Фамилия", "ФИО / Имя", "ФИО / Отчество", "Дата рождения", "Паспорт",
                             "Примечание", "Примечание (column H)"]
    assert table.fields == ["id", "family_name", "given_name", "patronymic", "date_of_birth", "passport_number",
                            "note", None]
    assert len(rows) == 1 and rows[0].number == 4
    assert rows[0].values == {"id": "1", "family_name": "Kumar", "given_name": "Ravi", "patronymic": "",
                              "date_of_birth": "1995-08-09", "passport_number": "Z1234567", "note": "ранен"}


def test_row_of_column_numbers_under_header_is_skipped(tmp_path):
    path = xlsx(tmp_path / "n.xlsx", [["№", "ФИО", "Дата рождения", "Примечание"], [1, 2, 3, 4],
                                      [1, "Kumar Ravi", "1995", None]])
    _, rows = read_all(path)
    assert [(r.number, r.values["full_name"]) for r in rows] == [(3, "Kumar Ravi")]


def test_vertically_merged_header_only(tmp_path):
    path = xlsx(tmp_path / "v.xlsx", [
        ["ФИО", "Дата рождения"],
        [None, None],
        ["Kumar Ravi", "1995"],
    ], merges=["A1:A2", "B1:B2"])
    table, rows = read_all(path)
    assert table.headers == ["ФИО", "Дата рождения"] and [r.number for r in rows] == [3]


def test_group_header_without_recognised_subheaders_names_no_column(tmp_path):
    # "Паспорт" over "Серия" and "Номер" must not turn both columns into passport_number.
    path = xlsx(tmp_path / "g.xlsx", [
        ["ФИО", "Паспорт", None],
        [None, "Серия", "Номер"],
        ["Kumar Ravi", "45 01", "123456"],
    ], merges=["A1:A2", "B1:C1"])
    table, rows = read_all(path, mapping={"Паспорт / Номер": "passport_number"})
    assert table.fields == ["full_name", None, "passport_number"]
    assert rows[0].values["passport_number"] == "123456"


def test_cell_types(tmp_path):
    path = xlsx(tmp_path / "types.xlsx", [
        ["name", "dob", "reported_on", "recorded_at", "phone", "note", "status"],
        ["Ravi", dt.datetime(1995, 8, 9), 45513, dt.datetime(2024, 8, 9, 23, 59, 30), 919876543210.0, 1.5, True],
        ["Amit", dt.date(1990, 1, 2), "45513", None, 9876543210, "  spaced  ", False],
    ])
    _, rows = read_all(path)
    assert rows[0].values == {"full_name": "Ravi", "date_of_birth": "1995-08-09", "reported_on": "45513",
                              "recorded_at": "2024-08-09 23:59:30", "phone": "919876543210", "note": "1.5",
                              "status": "TRUE"}
    assert rows[1].values["date_of_birth"] == "1990-01-02" and rows[1].values["note"] == "spaced"
    assert parse_partial_date(rows[0].values["reported_on"]).iso == "2024-08-09"


def test_formula_cells_give_cached_values(tmp_path):
    path = xlsx(tmp_path / "f.xlsx", [
        ["name", "passport", "dob"],
        ['=CONCAT("Kumar"," Ravi")', "=1+1", "=DATE(1995,8,9)"],
    ])
    with_cached_values(path, {"A2": ("str", "Kumar Ravi"), "B2": ("n", "2"), "C2": ("n", "34920")})
    _, rows = read_all(path)
    assert rows[0].values == {"full_name": "Kumar Ravi", "passport_number": "2", "date_of_birth": "34920"}
    assert parse_partial_date(rows[0].values["date_of_birth"]).iso == "1995-08-09"


def test_formula_without_cached_value_reads_empty(tmp_path):
    _, rows = read_all(xlsx(tmp_path / "f.xlsx", [["name", "passport"], ["Ravi", "=1+1"]]))
    assert rows[0].values["passport_number"] == ""


def test_trailing_empty_rows_and_columns(tmp_path):
    path = xlsx(tmp_path / "t.xlsx", [["name", "dob", None, None], ["Ravi", "1995", None, None],
                                      [None] * 4, [None] * 4])
    table, rows = read_all(path)
    assert table.headers == ["name", "dob"] and len(rows) == 1


@pytest.mark.parametrize("sheet, expected", [(None, "Данные"), ("Данные", "Данные")])
def test_sheet_selection_skips_sheets_without_header(tmp_path, sheet, expected):
    path = xlsx(tmp_path / "s.xlsx", [["Инструкция: заполните лист «Данные»"]], title="Инструкция",
                extra_sheets=[("Данные", [["ФИО", "Дата рождения"], ["Ravi", "1995"]])])
    table, rows = read_all(path, sheet=sheet)
    assert table.sheet == expected and rows[0].values["full_name"] == "Ravi"


def test_unknown_sheet(tmp_path):
    path = xlsx(tmp_path / "s.xlsx", [["ФИО", "dob"]], title="Лист1")
    with pytest.raises(TableError, match='has no sheet .Лист2.; its sheets are: "Лист1"'):
        open_table(path, sheet="Лист2")


@pytest.mark.parametrize("rows, message", [
    ([], "is empty"),
    ([["a", "b"], [1, 2]], 'no header row found.*"a", "b"'),
    ([["ФИО", "name"], ["x", "y"]], 'columns "ФИО" \\(column A\\) and "name" \\(column B\\) both mean full_name'),
])
def test_whole_sheet_problems(tmp_path, rows, message):
    with pytest.raises(TableError, match=message):
        open_table(xlsx(tmp_path / "p.xlsx", rows))


def test_detected_by_content_not_extension(tmp_path):
    path = xlsx(tmp_path / "really-an-xlsx.csv", [["name", "dob"], ["Ravi", "1995"]])
    table, rows = read_all(path)
    assert table.encoding == "xlsx" and rows[0].values["full_name"] == "Ravi"
    table, rows = read_all(io.BytesIO(path.read_bytes()))
    assert rows[0].values["full_name"] == "Ravi"


@pytest.mark.parametrize("make, message", [
    (lambda z: z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), "OpenDocument"),
    (lambda z: z.writestr("readme.txt", "hello"), "is not a readable XLSX workbook"),
])
def test_other_zip_files(tmp_path, make, message):
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        make(archive)
    with pytest.raises(TableError, match=message):
        open_table(path)


def test_truncated_xlsx(tmp_path):
    path = xlsx(tmp_path / "t.xlsx", [["name", "dob"], ["Ravi", "1995"]])
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(TableError, match="is not a readable XLSX workbook"):
        open_table(path)


def test_wrong_dimensions_recorded_by_writer(tmp_path):
    path = xlsx(tmp_path / "d.xlsx", [["name", "dob"], ["Ravi", "1995"], ["Amit", "1990"]])
    with zipfile.ZipFile(path) as archive:
        contents = {n: archive.read(n) for n in archive.namelist()}
    xml = contents["xl/worksheets/sheet1.xml"].decode()
    assert '<dimension ref="A1:B3"' in xml
    contents["xl/worksheets/sheet1.xml"] = xml.replace('<dimension ref="A1:B3"', '<dimension ref="A1:A1"').encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    _, rows = read_all(path)
    assert [r.values["date_of_birth"] for r in rows] == ["1995", "1990"]


def test_large_sheet_streams(tmp_path):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Лист1")
    sheet.append(["Заголовок"])
    sheet.append(["ФИО", "Дата рождения"])
    for i in range(20_000):
        sheet.append([f"Name {i}", dt.datetime(1990, 1, 1)])
    workbook.save(tmp_path / "big.xlsx")
    with open_table(tmp_path / "big.xlsx") as table:
        numbers = [row.number for row in table]
    assert numbers[0] == 3 and numbers[-1] == 20_002 and len(numbers) == 20_000


def _rewrite_member(path, member, change):
    with zipfile.ZipFile(path) as archive:
        contents = {n: archive.read(n) for n in archive.namelist()}
    contents[member] = change(contents[member])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("change", [
    pytest.param(lambda xml: xml[: len(xml) // 2], id="sheet XML cut off"),
    pytest.param(lambda xml: xml.replace(b"<sheetData>", b'<sheetData><row r="1"><c r="A1" t="s"><v>999</v></c></row>'),
                 id="shared string that does not exist"),
    pytest.param(lambda xml: xml.replace(b"<sheetData>", b"<sheetData><row><c><v>1</c></row>"), id="bad XML"),
])
def test_damaged_sheet_inside_a_sound_zip(tmp_path, change):
    # The first sheet (instructions) has no header, so the reader goes on to the damaged one.
    path = xlsx(tmp_path / "two.xlsx", [["Заполните лист 2"]], title="Инструкция",
                extra_sheets=[("Данные", [["ФИО", "Дата рождения"], ["A B", "1990"]])])
    _rewrite_member(path, "xl/worksheets/sheet2.xml", change)
    with pytest.raises(TableError, match=r'^two\.xlsx: sheet "Данные" is damaged or not a spreadsheet \(.+\); '
                                         "open it in Excel and save it again"):
        read_all(path)


def test_sheet_damaged_below_the_header_area_fails_while_reading_rows(tmp_path):
    path = xlsx(tmp_path / "long.xlsx", [["ФИО", "Дата рождения"], *[[f"Name {i}", "1990"] for i in range(200)]])
    _rewrite_member(path, "xl/worksheets/sheet1.xml", lambda xml: xml[: int(len(xml) * 0.8)])
    with open_table(path) as table:  # the header area is intact
        with pytest.raises(TableError, match='long.xlsx: sheet "Sheet1" is damaged'):
            list(table)


def test_pre_numbered_blank_form_rows_are_not_data(tmp_path):
    path = xlsx(tmp_path / "form.xlsx", [
        ["№ п/п", "ФИО", "Дата рождения", "Статус"],
        [1, "СИНГХ ХАРПРИТ", "02.01.1990", "в строю"],
        *[[n, None, None, None] for n in range(2, 6)],
        [6, None, None, "ранен"],             # something besides the number: a row to report on
        [None, None, None, None, "x"],        # text beyond the header is someone's data too
    ])
    _, rows = read_all(path)
    assert [r.number for r in rows] == [2, 7, 8]


def test_a_list_of_ids_alone_keeps_its_rows(tmp_path):
    _, rows = read_all(xlsx(tmp_path / "ids.xlsx", [["№"], [1], [2]]))
    assert [r.values["id"] for r in rows] == ["1", "2"]


def test_mapped_column_missing_from_unrecognised_headers(tmp_path):
    path = xlsx(tmp_path / "list.xlsx", [["Код", "Name of person", "Born"], [1, "Rahul Sharma", 1990]])
    with pytest.raises(TableError, match='list.xlsx: mapped column\\(s\\) "Nope" not found. '
                                         'Headers found \\(row 1\\): "Код", "Name of person", "Born"'):
        open_table(path, mapping={"Nope": "full_name"})
