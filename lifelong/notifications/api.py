"""The signed-in person's notices: `GET /me/notifications`, `POST /me/notifications/read`.

Every operation here needs a signed-in caller: config/api.py mounts the router with the API's
bearer token (lifelong.accounts.auth), an app above this one."""

from datetime import datetime

from ninja import Query, Router, Schema

from lifelong.common.api import ErrorOut, InputSchema, PageQuery, paginate

from . import selectors, services

router = Router(tags=["notifications"])


class NoticeOut(Schema):
    id: int
    kind: str
    text: str
    link: str
    activity: int | None = None
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_activity(notice) -> int | None:
        return notice.activity_id


class NoticePage(Schema):
    items: list[NoticeOut]
    count: int
    unread: int


class NoticeQuery(PageQuery):
    unread: bool | None = None


@router.get("/me/notifications", response=NoticePage, summary="My notices, newest first")
def notice_list(request, query: Query[NoticeQuery]):
    notices = selectors.notices_for(actor=request.user)
    if query.unread:
        notices = notices.filter(read_at__isnull=True)
    return {**paginate(notices, query), "unread": selectors.unread_count(actor=request.user)}


class ReadIn(InputSchema):
    id: int | None = None


class ReadOut(Schema):
    marked: int


@router.post(
    "/me/notifications/read",
    response={200: ReadOut, 404: ErrorOut, 422: ErrorOut},
    summary="Mark one notice (`id`) or all of them read",
)
def notices_read(request, body: ReadIn):
    return {"marked": services.notices_mark_read(actor=request.user, notice_id=body.id)}
