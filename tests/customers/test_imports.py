import csv
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from dealercare.core.roles import Role
from dealercare.core.validators import make_mobile, make_plate, make_vin
from dealercare.customers.imports import customer_import
from dealercare.customers.models import Customer, ImportBatch, Tag
from dealercare.customers.spreadsheets import COLUMNS, xlsx_stream
from dealercare.vehicles.models import Vehicle

HEADER = ["姓名", "手机号", "车架号", "车牌号", "品牌", "车型", "购车日期", "当前里程"]


def good_rows(count: int, seed: int = 7) -> list[list]:
    rng = random.Random(seed)
    return [
        [
            f"王{i}",
            make_mobile(rng),
            make_vin(rng),
            make_plate(rng),
            "星途",
            "瑶光",
            "2022-05-01",
            30000,
        ]
        for i in range(count)
    ]


def csv_upload(rows, header=HEADER, encoding="utf-8", name="customers.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding))


def xlsx_upload(rows, header=HEADER):
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("customers.xlsx", buffer.getvalue())


def run_import(cast, upload, role=Role.MANAGER):
    return customer_import(actor=cast.staff_a[role], upload=upload, file_name=upload.name)


def test_xlsx_imports_customers_and_vehicles(cast):
    batch = run_import(cast, xlsx_upload(good_rows(30)))
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    assert (batch.customers_created, batch.vehicles_created) == (30, 30)
    assert Customer.objects.filter(dealer=cast.dealer_a).count() == 30
    vehicle = Vehicle.objects.filter(dealer=cast.dealer_a).first()
    assert vehicle.current_km == 30000 and vehicle.readings.count() == 1


def test_one_bad_row_imports_nothing_and_names_row_and_field(cast):
    rows = good_rows(20)
    rows[12][1] = "1234"  # spreadsheet row 14 (header is row 1)
    rows[15][2] = rows[15][2][:8] + ("0" if rows[15][2][8] != "0" else "1") + rows[15][2][9:]
    batch = run_import(cast, csv_upload(rows))
    assert batch.status == ImportBatch.Status.REJECTED
    assert {(e["row"], e["field"]) for e in batch.errors} == {(14, "phone"), (17, "vin")}
    assert not Customer.objects.exists() and not Vehicle.objects.exists()


def test_gbk_csv_and_same_owner_with_two_cars(cast):
    rows = good_rows(2)
    rows[1][0], rows[1][1] = rows[0][0], rows[0][1]
    batch = run_import(cast, csv_upload(rows, encoding="gbk"))
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    assert (batch.customers_created, batch.vehicles_created) == (1, 2)
    assert Customer.objects.get().name == "王0"


def test_not_a_spreadsheet_is_refused_clearly(cast):
    batch = run_import(cast, SimpleUploadedFile("photo.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00binary"))
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.errors[0]["field"] == "file"


def test_missing_required_column(cast):
    batch = run_import(cast, csv_upload(good_rows(1), header=["名字", *HEADER[1:]]))
    assert batch.errors[0]["field"] == "file" and "姓名" in batch.errors[0]["message"]


def test_export_then_reimport_round_trips(cast, api_as):
    run_import(cast, xlsx_upload(good_rows(5)))
    admin = api_as(cast.staff_a[Role.DEALER_ADMIN])
    response = admin.get("/customers/export", {"format": "xlsx", "clear": "true", "reason": "迁移"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, *rows = list(workbook.active.iter_rows(values_only=True))
    assert list(header) == [zh for _key, zh in COLUMNS] and len(rows) == 5
    again = run_import(cast, xlsx_upload([list(r) for r in rows], header=list(header)))
    assert again.status == ImportBatch.Status.IMPORTED, again.errors
    assert (again.customers_created, again.vehicles_created) == (0, 0)


def test_import_api_reports_and_refuses_roles(cast, api_as):
    rows = good_rows(3)
    rows[1][1] = "bad"
    manager = api_as(cast.staff_a[Role.MANAGER])
    response = manager.client.post(
        "/api/v1/imports", {"file": csv_upload(rows)}, headers=manager.headers
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    report = manager.get(f"/imports/{response.json()['id']}/report.csv")
    assert "phone" in report.content.decode("utf-8-sig")
    technician = api_as(cast.staff_a[Role.TECHNICIAN])
    refused = technician.client.post(
        "/api/v1/imports", {"file": csv_upload(rows)}, headers=technician.headers
    )
    assert refused.status_code == 403
    other_dealer = api_as(cast.staff_b[Role.MANAGER])
    assert other_dealer.get(f"/imports/{response.json()['id']}").status_code == 404


def test_export_neutralises_formulas(cast, api_as):
    rows = good_rows(1)
    rows[0][0] = "=HYPERLINK(1)"
    run_import(cast, csv_upload(rows))
    response = api_as(cast.staff_a[Role.MANAGER]).get("/customers/export", {"format": "csv"})
    exported = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert exported[1][0] == "'=HYPERLINK(1)"


def test_xlsx_export_is_written_while_it_is_sent():
    read = []

    def rows():
        for number in range(3000):
            read.append(number)
            yield [f"客户{number}", "", "=1+1", "<b>&</b>\x07", 42]

    stream = xlsx_stream(rows())
    chunks = [next(stream)]
    assert chunks[0].startswith(b"PK") and read == []  # the file starts before any row
    while not read:
        chunks.append(next(stream))
    assert len(read) < 3000  # rows are read as the file goes out, not all first
    chunks.extend(stream)
    sheet = load_workbook(io.BytesIO(b"".join(chunks)), read_only=True).active
    header, first, *rest = sheet.iter_rows(values_only=True)
    assert header[0] == "姓名" and len(rest) == 2999
    # an empty cell keeps the columns in place; formulas and markup arrive as plain text
    assert first[:5] == ("客户0", None, "'=1+1", "<b>&</b>", "42")


TAGGED = [*HEADER, "身份证号", "标签"]


def tagged_rows(count: int) -> list[list]:
    return [[*row, "", ""] for row in good_rows(count)]


def test_tags_are_imported_and_linked(cast):
    rows = tagged_rows(3)
    rows[0][-1] = "VIP;车友会"
    rows[1][-1] = "车友会、试驾"
    batch = run_import(cast, csv_upload(rows, header=TAGGED))
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    tags = {c.name: sorted(t.name for t in c.tags.all()) for c in Customer.objects.all()}
    assert tags == {"王0": ["VIP", "车友会"], "王1": ["试驾", "车友会"], "王2": []}
    assert Tag.objects.filter(dealer=cast.dealer_a).count() == 3


def test_tags_are_added_to_a_customer_on_file(cast):
    rows = tagged_rows(1)
    run_import(cast, csv_upload(rows, header=TAGGED))
    rows[0][-1] = "保险到期"
    rows[0][2] = make_vin(random.Random(99))
    batch = run_import(cast, csv_upload(rows, header=TAGGED))
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    assert [t.name for t in Customer.objects.get().tags.all()] == ["保险到期"]


def test_rows_sharing_a_mobile_are_reported_as_folded(cast, api_as):
    rows = tagged_rows(3)
    rows[2][1] = rows[0][1]  # row 4 has row 2's mobile, another name and a tag
    rows[2][-1] = "二手车"
    batch = run_import(cast, csv_upload(rows, header=TAGGED))
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    assert (batch.customers_created, batch.vehicles_created) == (2, 3)
    [notice] = batch.notices
    assert (notice["row"], notice["field"]) == (4, "phone")
    assert "2" in notice["message"] and "姓名" in notice["message"]
    customer = Customer.objects.get(name="王0")
    assert customer.vehicles.count() == 2 and [t.name for t in customer.tags.all()] == ["二手车"]
    manager = api_as(cast.staff_a[Role.MANAGER])
    assert manager.get(f"/imports/{batch.pk}").json()["notices"][0]["row"] == 4
    report = manager.get(f"/imports/{batch.pk}/report.csv").content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(report)))[1][:2] == ["4", "phone"]


def test_a_known_id_number_under_a_new_mobile_is_a_duplicate(cast):
    rows = tagged_rows(1)
    rows[0][-2] = "110105199001011232"
    run_import(cast, csv_upload(rows, header=TAGGED))
    known = Customer.objects.get()
    again = tagged_rows(2)
    again[1][-2] = "110105199001011232"
    again[1][1] = "13912345678"
    batch = run_import(cast, csv_upload(again[1:], header=TAGGED))
    assert batch.status == ImportBatch.Status.REJECTED
    assert [(e["row"], e["field"]) for e in batch.errors] == [(2, "id_number")]
    assert f"#{known.pk}" in batch.errors[0]["message"]
    assert Customer.objects.count() == 1


def test_one_id_number_under_two_mobiles_in_a_file_is_a_duplicate(cast):
    rows = tagged_rows(3)
    rows[0][-2] = rows[2][-2] = "110105199001011232"
    batch = run_import(cast, csv_upload(rows, header=TAGGED))
    assert batch.status == ImportBatch.Status.REJECTED
    assert [(e["row"], e["field"]) for e in batch.errors] == [(4, "id_number")]
    assert "2" in batch.errors[0]["message"] and not Customer.objects.exists()
