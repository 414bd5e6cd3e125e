"""Reference endpoints for the rush bench: the cheapest answer Django can give (ping) and the
floor of a registration (one conditional UPDATE that takes a seat, nothing else)."""

from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lifelong.activities.models import Activity


def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


@csrf_exempt
@require_POST
def take_seat(request: HttpRequest, activity_id: int) -> JsonResponse:
    taken = (
        Activity.objects.filter(pk=activity_id, seats_taken__lt=F("capacity")).update(seats_taken=F("seats_taken") + 1)
        == 1
    )
    return JsonResponse({"taken": taken}, status=200 if taken else 409)
