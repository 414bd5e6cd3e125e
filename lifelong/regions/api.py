from ninja import Query, Router, Schema
from pydantic import Field

from lifelong.common.api import PageQuery, paginate

from .models import Region
from .schemas import RegionRef
from .selectors import region_list

router = Router(tags=["network"])


class RegionOut(RegionRef):
    parent: str | None
    population: int

    @staticmethod
    def resolve_parent(region: Region) -> str | None:
        return region.parent.code if region.parent_id else None


class RegionPage(Schema):
    items: list[RegionOut]
    count: int


class RegionPageQuery(PageQuery):
    page_size: int = Field(1000, ge=1)


@router.get("/regions", response=RegionPage, summary="Every region of the county, parents first")
def regions(request, query: Query[RegionPageQuery]):
    return paginate(region_list(), query, max_size=1000)
