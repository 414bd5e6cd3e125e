"""Django admin searches for people are POSTed: a name or a number never goes in a URL, while
paging, filters and the back-to-list link keep the search through a session handle."""

import re

import pytest
from django.contrib.auth import get_user_model

from lifelong.notifications.models import SmsMessage, SmsStatus
from lifelong.notifications.tests.helpers import sms_message

PHONE = "13912345678"
OTHER = "13900000099"
SMS_ADMIN = "/admin/notifications/smsmessage/"
USER_ADMIN = "/admin/accounts/user/"


@pytest.fixture
def root_client(db, verified_client):
    root = get_user_model().objects.create_superuser("13600000001", "root-pass-long-1", name="运维")
    return verified_client(root)


def message(phone: str, status: SmsStatus = SmsStatus.FAILED) -> SmsMessage:
    return sms_message(phone, status, template="code", error_code="isv.BUSINESS_LIMIT_CONTROL")


def addresses(page: str) -> list[str]:
    return re.findall(r'(?:href|action)="([^"]*)"', page)


def test_a_number_searched_in_the_admin_stays_out_of_every_address(root_client):
    mine = [message(PHONE), message(PHONE, SmsStatus.DELIVERED)]
    message(OTHER)
    posted = root_client.post(f"{SMS_ADMIN}?status__exact=failed&p=2", {"_search": "1", "q": f" {PHONE} "})
    assert posted.status_code == 302
    location = posted["Location"]
    assert PHONE not in location and "status__exact=failed" in location and "p=2" not in location
    response = root_client.get(location)
    assert [m.pk for m in response.context["cl"].result_list] == [mine[0].pk]  # the filter kept too
    page = response.content.decode()
    assert f'value="{PHONE}"' in page  # the box shows what was searched
    links = addresses(page)
    assert links and not [link for link in links if PHONE in link or "q=" in link], links
    # The change page's way back to the list carries the handle, not the number.
    change = [link for link in links if f"/{mine[0].pk}/change/" in link]
    assert change and all("s%3D" in link for link in change)
    # Without the filter, both of the number's messages: the handle still stands for the search.
    handle = re.search(r"[?&]s=([^&]+)", location).group(1)
    both = root_client.get(SMS_ADMIN, {"s": handle})
    assert {m.pk for m in both.context["cl"].result_list} == {m.pk for m in mine}


def test_a_search_in_the_admin_url_is_ignored(root_client):
    message(PHONE)
    message(OTHER)
    response = root_client.get(SMS_ADMIN, {"q": PHONE})
    assert response.context["cl"].result_count == 2 and response.context["cl"].query == ""


def test_a_handle_means_nothing_to_another_session_or_after_a_new_search(root_client, verified_client):
    message(PHONE)
    message(OTHER)
    location = root_client.post(SMS_ADMIN, {"_search": "1", "q": PHONE})["Location"]
    other_root = get_user_model().objects.create_superuser("13600000002", "root-pass-long-2", name="运维二")
    assert verified_client(other_root).get(location).context["cl"].result_count == 2
    root_client.post(SMS_ADMIN, {"_search": "1", "q": OTHER})
    assert root_client.get(location).context["cl"].result_count == 2  # only the latest search is kept
    cleared = root_client.post(SMS_ADMIN, {"_search": "1", "q": "  "})
    assert cleared["Location"] == SMS_ADMIN


def test_people_are_found_by_name_in_the_admin_with_the_name_out_of_the_url(root_client):
    get_user_model().objects.create_user("13700001111", "learner-pass-1", name="褚阿婆")
    get_user_model().objects.create_user("13700001112", "learner-pass-1", name="许阿公")
    location = root_client.post(USER_ADMIN, {"_search": "1", "q": "褚阿婆"})["Location"]
    assert "%E8%A4%9A" not in location and "褚" not in location
    response = root_client.get(location)
    assert [user.name for user in response.context["cl"].result_list] == ["褚阿婆"]
    assert not [link for link in addresses(response.content.decode()) if "%E8%A4%9A" in link or "q=" in link]


def test_the_people_picker_popup_keeps_its_mode_through_a_search(root_client):
    get_user_model().objects.create_user("13700001111", "learner-pass-1", name="褚阿婆")
    location = root_client.post(f"{USER_ADMIN}?_popup=1&_to_field=id", {"_search": "1", "q": "褚"})["Location"]
    assert "_popup=1" in location and "_to_field=id" in location
    response = root_client.get(location)
    assert response.status_code == 200 and [u.name for u in response.context["cl"].result_list] == ["褚阿婆"]
