"""'I have studied this': the declared hours and their points go into the passport as one
ledger entry with source "resource", once only; a repeat is 409 and writes nothing."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import translation

from lifelong.common.errors import Conflict, NotAuthenticated, NotFound
from lifelong.passport.models import LearningRecord, PassportBalance
from lifelong.passport.services import record_reverse
from lifelong.resources import services
from lifelong.resources.models import ResourceStudy

from .helpers import publish_link, publish_pdf


def test_studying_writes_one_entry_with_the_declared_hours_and_points(demo, settings):
    settings.PASSPORT_POINTS_PER_HOUR = 10
    resource = publish_pdf(demo, title="防骗指南", title_en="Scam safety", hours=Decimal("1.5"), category="civic")
    services.resource_open_record(learner=demo.elder_learner, resource=resource)
    study = services.resource_study(learner=demo.elder_learner, resource=resource)
    record = LearningRecord.objects.get(learner=demo.elder_learner)
    assert (record.source, record.hours, record.points) == ("resource", Decimal("1.5"), 15)
    assert record.resource == resource and record.activity is None and record.category == "civic"
    assert (record.title, record.title_en) == ("防骗指南", "Scam safety")
    assert record.region == demo.elder_learner.home_region
    assert study.hours == Decimal("1.5")
    balance = PassportBalance.objects.get(learner=demo.elder_learner)
    assert (balance.hours, balance.points, balance.entries) == (Decimal("1.5"), 15, 1)


def test_a_repeat_is_409_already_studied_and_writes_nothing(demo):
    resource = publish_pdf(demo, hours=Decimal("2"))
    for learner in (demo.elder_learner, demo.young_learner):
        services.resource_open_record(learner=learner, resource=resource)
    services.resource_study(learner=demo.elder_learner, resource=resource)
    with pytest.raises(Conflict) as refusal:
        services.resource_study(learner=demo.elder_learner, resource=resource)
    assert refusal.value.code == "already_studied" and refusal.value.status == 409
    assert LearningRecord.objects.count() == 1 and ResourceStudy.objects.count() == 1
    assert PassportBalance.objects.get(learner=demo.elder_learner).hours == Decimal("2")
    # Another learner studies it too.
    services.resource_study(learner=demo.young_learner, resource=resource)
    assert LearningRecord.objects.count() == 2


def test_the_database_keeps_one_study_per_learner_and_resource(demo):
    resource = publish_pdf(demo)
    services.resource_open_record(learner=demo.elder_learner, resource=resource)
    services.resource_study(learner=demo.elder_learner, resource=resource)
    with pytest.raises(IntegrityError), transaction.atomic():
        ResourceStudy.objects.create(
            learner=demo.elder_learner, resource=resource, hours=1, studied_at=resource.published_at
        )


def test_resources_without_hours_drafts_and_visitors_earn_nothing(demo):
    from django.contrib.auth.models import AnonymousUser

    no_hours = publish_link(demo, hours=Decimal("0"))
    with pytest.raises(Conflict) as refusal:
        services.resource_study(learner=demo.elder_learner, resource=no_hours)
    assert refusal.value.code == "no_hours"
    draft = publish_pdf(demo, publish=False)
    with pytest.raises(NotFound):
        services.resource_study(learner=demo.elder_learner, resource=draft)
    with pytest.raises(NotAuthenticated):
        services.resource_study(learner=AnonymousUser(), resource=publish_pdf(demo))
    assert not LearningRecord.objects.exists() and not ResourceStudy.objects.exists()


def test_a_resource_entry_can_be_reversed_and_the_ledger_stays_append_only(demo):
    resource = publish_pdf(demo, hours=Decimal("1.5"))
    services.resource_open_record(learner=demo.elder_learner, resource=resource)
    services.resource_study(learner=demo.elder_learner, resource=resource)
    record = LearningRecord.objects.get()
    reversal = record_reverse(actor=demo.village_admin, record=record, reason="误点")
    assert reversal.resource == resource and reversal.source == "resource" and reversal.hours == Decimal("-1.5")
    assert PassportBalance.objects.get(learner=demo.elder_learner).hours == 0
    # The triggers still refuse edits at the database after the column was added.
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute("UPDATE passport_learningrecord SET hours = 99 WHERE id = %s", [record.pk])
    assert LearningRecord.objects.get(pk=record.pk).hours == Decimal("1.5")


def test_the_button_puts_the_hours_in_the_passport_page(demo):
    resource = publish_pdf(demo, title="手机防骗小课堂", hours=Decimal("1.5"))
    learner = Client()
    learner.force_login(demo.elder_learner)
    page = learner.get(f"/resources/{resource.pk}/").content.decode()
    # Not opened yet: the page says to open it first and offers no button.
    assert 'data-testid="study-open-first"' in page and 'data-testid="study"' not in page
    b"".join(learner.get(f"/resources/{resource.pk}/file").streaming_content)  # reading the PDF
    page = learner.get(f"/resources/{resource.pk}/").content.decode()
    assert 'data-testid="study"' in page and 'data-testid="study-open-first"' not in page
    response = learner.post(f"/resources/{resource.pk}/study/")
    assert response.status_code == 302 and response["Location"] == f"/resources/{resource.pk}/"
    page = learner.get(f"/resources/{resource.pk}/").content.decode()
    assert 'data-testid="studied"' in page and 'data-testid="study"' not in page
    passport = learner.get("/me/passport/").content.decode()
    assert "手机防骗小课堂" in passport and "1.5" in passport
    # Pressing again (an old tab) changes nothing and says why.
    again = learner.post(f"/resources/{resource.pk}/study/", follow=True)
    assert again.status_code == 200 and LearningRecord.objects.count() == 1
    with translation.override("zh-hans"):
        expected = translation.gettext("You have already studied this resource.")
    assert [str(m) for m in again.context["messages"]][-1] == expected


def test_visitors_are_asked_to_sign_in_before_studying(demo):
    resource = publish_pdf(demo)
    response = Client().post(f"/resources/{resource.pk}/study/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not LearningRecord.objects.exists()


def test_the_passport_exports_name_the_studied_resource(demo):
    import json

    resource = publish_pdf(demo, title="手机防骗小课堂", title_en="Phone scam safety", hours=Decimal("1.5"))
    services.resource_open_record(learner=demo.elder_learner, resource=resource)
    services.resource_study(learner=demo.elder_learner, resource=resource)
    learner = Client()
    learner.force_login(demo.elder_learner)
    archive = json.loads(learner.get("/me/passport/export.json").content)
    assert archive["entries"][0]["resource"] == resource.pk and archive["entries"][0]["source"] == "resource"
    statements = json.loads(learner.get("/me/passport/export.xapi").content)
    assert statements[0]["object"]["id"].endswith(f"/resources/{resource.pk}/")
    assert statements[0]["object"]["definition"]["name"]["en-US"] == "Phone scam safety"
    assert "手机防骗小课堂" in learner.get("/me/passport/export.csv").content.decode("utf-8-sig")
    pdf = learner.get("/me/passport/archive.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
