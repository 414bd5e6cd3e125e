from django.http import HttpRequest, JsonResponse

from lifelong.accounts.api import router as accounts_router
from lifelong.accounts.auth import BearerToken
from lifelong.activities.api import router as activities_router
from lifelong.activities.participants_api import router as participants_router
from lifelong.campaigns.api import router as campaigns_router
from lifelong.common.api import install_error_handlers
from lifelong.common.errors import NotFound
from lifelong.common.openapi import LifelongAPI
from lifelong.community.api import router as community_router
from lifelong.dashboards.api import router as dashboards_router
from lifelong.honours.api import router as honours_router
from lifelong.institutions.api import router as institutions_router
from lifelong.news.api import router as news_router
from lifelong.notifications.api import router as notifications_router
from lifelong.passport.api import router as passport_router
from lifelong.regions.api import router as regions_router
from lifelong.resources.api import router as resources_router

api = LifelongAPI(
    title="Lifelong API",
    version="1",
    description="The JSON API of Lifelong, the county lifelong-learning platform.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("/", accounts_router)
api.add_router("/", regions_router)
api.add_router("/", institutions_router)
api.add_router("/", activities_router)
api.add_router("/", participants_router)
api.add_router("/", campaigns_router)
api.add_router("/", notifications_router, auth=BearerToken())  # a person's own notices: signed in
api.add_router("/", passport_router)
api.add_router("/", community_router)
api.add_router("/", honours_router)
api.add_router("/", resources_router)
api.add_router("/", news_router)
api.add_router("/", dashboards_router)


def api_not_found(request: HttpRequest) -> JsonResponse:
    """Unknown paths under /api/ answer in the API's error contract, not with an HTML page."""
    return JsonResponse({"detail": str(NotFound.default_detail), "code": "not_found"}, status=404)
