import pytest
from django.db import DatabaseError, connection, transaction

from lifelong.common.choices import AuditAction
from lifelong.common.models import AuditEvent
from lifelong.common.services import audit_record

pytestmark = pytest.mark.django_db


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm():
    event = audit_record(actor=None, action=AuditAction.LOGIN_FAILED, summary="139****0005", success=False)
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize("statement", ["UPDATE common_auditevent SET summary = 'x'", "DELETE FROM common_auditevent"])
def test_the_database_itself_refuses_to_change_audit_events(statement):
    if statement.startswith("DELETE") and connection.vendor != "postgresql":
        pytest.skip("SQLite refuses only UPDATE in the database (see migration 0002); the ORM refuses DELETE")
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED, summary="139****0005", success=False)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.get().summary == "139****0005"


def test_the_audit_address_trusts_only_the_configured_proxies(rf, settings):
    from lifelong.common.services import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3", REMOTE_ADDR="127.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.1.2.3"  # the entry our proxy added, not what the client claimed
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "127.0.0.1"  # fewer entries than proxies: do not guess
