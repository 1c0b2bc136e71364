"""A payer asks for a fapiao; staff export the queue for their e-fapiao platform, record the
number and the file (which the payer downloads); a refund after issue queues a red-letter one."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from events.models import FapiaoRequest
from events.services.checkout import start_checkout
from events.services.registration import cancel_entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PDF = b"%PDF-1.7\n% a fapiao\n"
NUMBER = "24312000000012345678"
COMPANY = {"title_type": "company", "title": "上海某某赛车俱乐部有限公司",
           "tax_id": "91310000MA1FL0XX3U", "email": "finance@team.test"}  # fmt: skip


@pytest.fixture
def paid(
    event: Any,
    driver: Any,
    register: Any,
    fake_alipay: Any,
    connect_merchant: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> Any:
    """An entry paid with Alipay on the organizer's own account."""
    account = connect_merchant(event.organization, fake_alipay, "alipay")
    entry = register(driver, event.entry_classes.get())
    payment = start_checkout(entry_id=entry.pk, driver=driver, provider="alipay")
    fake_alipay.open(payment.checkout_url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            account.notify_url(),
            data=urlencode(fake_alipay.pay(payment.provider_reference)),
            content_type="application/x-www-form-urlencoded",
        )
    entry.refresh_from_db()
    return entry


def staff_url(entry: Any, tail: str = "") -> str:
    event = entry.event
    return f"/organizer/{event.organization.slug}/events/{event.slug}/fapiao/{tail}"


def export_csv(client: Any, entry: Any) -> list[list[str]]:
    event = entry.event
    response = client.get(f"/organizer/{event.organization.slug}/events/{event.slug}/fapiao.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def issue(client: Any, entry: Any) -> Any:
    fapiao = FapiaoRequest.objects.get(entry=entry)
    return client.post(
        staff_url(entry, f"{fapiao.pk}/issue/"),
        {
            f"f{fapiao.pk}-number": NUMBER,
            f"f{fapiao.pk}-file": SimpleUploadedFile("fapiao.pdf", PDF, "application/pdf"),
        },
    )


def test_a_company_fapiao_is_asked_exported_issued_and_downloaded(
    paid: Any, client: Any, driver: Any, staff_member: Any, make_user: Any
) -> None:
    client.force_login(driver)
    assert client.post(f"/entries/{paid.pk}/fapiao/", COMPANY).status_code == 302

    client.force_login(staff_member)
    rows = export_csv(client, paid)
    header, row = rows[0], rows[1]
    assert header[:7] == ["发票流水号", "发票类型", "蓝字/红字", "是否含税", "购买方名称",
                          "购买方纳税人识别号", "受票方自然人标识"]  # fmt: skip
    cells = dict(zip(header, row, strict=True))
    assert cells["购买方名称"] == COMPANY["title"]
    assert cells["购买方纳税人识别号"] == COMPANY["tax_id"]
    assert cells["受票方自然人标识"] == "否"
    assert cells["金额"] == "800.00"
    assert cells["发票流水号"] == paid.receipt_number
    workbook = client.get(staff_url(paid)[:-1] + ".xlsx")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert [c.value for c in sheet[2]][4] == COMPANY["title"]

    assert issue(client, paid).status_code == 302

    fapiao = FapiaoRequest.objects.get(entry=paid)
    assert (fapiao.status, fapiao.number) == (FapiaoRequest.Status.ISSUED, NUMBER)
    assert export_csv(client, paid)[1:] == []  # nothing left to do
    client.force_login(driver)
    download = client.get(f"/entries/{paid.pk}/fapiao/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    client.force_login(make_user("someone@example.test"))
    assert client.get(f"/entries/{paid.pk}/fapiao/file/").status_code == 404


def test_a_refund_after_issue_queues_a_red_letter_fapiao(
    paid: Any, client: Any, driver: Any, staff_member: Any, fake_alipay: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    client.force_login(driver)
    client.post(f"/entries/{paid.pk}/fapiao/", COMPANY)
    client.force_login(staff_member)
    issue(client, paid)

    with django_capture_on_commit_callbacks(execute=True):
        cancel_entry(entry_id=paid.pk, actor=driver)

    fapiao = FapiaoRequest.objects.get(entry=paid)
    assert fapiao.status == FapiaoRequest.Status.REVERSAL_DUE
    assert fake_alipay.refunded_total(paid.payments.get().provider_reference) == 80000
    cells = dict(zip(*export_csv(client, paid)[:2], strict=True))
    assert (cells["蓝字/红字"], cells["金额"], cells["原发票号码"]) == ("红字", "-800.00", NUMBER)

    response = client.post(
        staff_url(paid, f"{fapiao.pk}/reverse/"), {f"f{fapiao.pk}-reversal_number": "2" * 20}
    )

    assert response.status_code == 302
    fapiao.refresh_from_db()
    assert (fapiao.status, fapiao.reversal_number) == (FapiaoRequest.Status.REVERSED, "2" * 20)


def test_a_refund_before_issue_withdraws_the_request(
    paid: Any, client: Any, driver: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(driver)
    client.post(f"/entries/{paid.pk}/fapiao/", COMPANY)

    with django_capture_on_commit_callbacks(execute=True):
        cancel_entry(entry_id=paid.pk, actor=driver)

    assert FapiaoRequest.objects.get(entry=paid).status == FapiaoRequest.Status.WITHDRAWN


@pytest.mark.parametrize(
    ("field", "value"),
    [("tax_id", ""), ("tax_id", "12345"), ("email", "not-mail"), ("title", "")],
)
def test_bad_fapiao_details_are_refused_with_a_message(
    paid: Any, client: Any, driver: Any, field: str, value: str
) -> None:
    client.force_login(driver)

    response = client.post(f"/entries/{paid.pk}/fapiao/", {**COMPANY, field: value})

    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not FapiaoRequest.objects.exists()


def test_a_file_that_is_not_a_pdf_or_ofd_is_refused(
    paid: Any, client: Any, driver: Any, staff_member: Any
) -> None:
    client.force_login(driver)
    client.post(f"/entries/{paid.pk}/fapiao/", COMPANY)
    fapiao = FapiaoRequest.objects.get(entry=paid)
    client.force_login(staff_member)

    response = client.post(
        staff_url(paid, f"{fapiao.pk}/issue/"),
        {
            f"f{fapiao.pk}-number": NUMBER,
            f"f{fapiao.pk}-file": SimpleUploadedFile("x.pdf", b"<html>", "application/pdf"),
        },
    )

    assert response.status_code == 400
    fapiao.refresh_from_db()
    assert fapiao.status == FapiaoRequest.Status.REQUESTED


def test_only_the_organizations_staff_see_the_queue(
    paid: Any, client: Any, driver: Any, make_organization: Any, make_user: Any
) -> None:
    client.force_login(driver)
    assert client.get(staff_url(paid)).status_code == 404
    stranger = make_user("other-staff@example.test")
    make_organization("Other Club", owner=stranger)
    client.force_login(stranger)
    assert client.get(staff_url(paid)).status_code == 404
