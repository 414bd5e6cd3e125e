"""Each app owns the scope rules of its models: `lifelong.accounts.policy` keeps a registry that
the apps fill from their `AppConfig.ready()`, and `restrict()` and `can()` apply the one rule
registered for a model, or refuse a model that has none."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import Q

from lifelong.accounts import policy
from lifelong.accounts.models import RoleGrant, User
from lifelong.activities.models import Activity
from lifelong.campaigns.models import Campaign
from lifelong.community.models import Programme, Team
from lifelong.institutions.models import Institution, Venue, VenueBooking
from lifelong.institutions.selectors import institution_staff_list
from lifelong.news import policy as news_policy
from lifelong.news.models import Article
from lifelong.news.selectors import articles_managed
from lifelong.passport.models import Certificate, LearningRecord, RecordImport
from lifelong.regions.models import Region
from lifelong.resources.models import Resource

# Every model that a staff list, a detail, a form's choices or an access matrix scopes, and the
# module whose rule scopes it: the model's own app's policy (Region's rule lives in accounts,
# as regions lies below accounts and cannot import it).
OWNERS = {
    Region: "lifelong.accounts.policy",
    User: "lifelong.accounts.policy",
    RoleGrant: "lifelong.accounts.policy",
    Institution: "lifelong.institutions.policy",
    Venue: "lifelong.institutions.policy",
    VenueBooking: "lifelong.institutions.policy",
    Programme: "lifelong.community.policy",
    Team: "lifelong.community.policy",
    Activity: "lifelong.activities.policy",
    LearningRecord: "lifelong.passport.policy",
    Certificate: "lifelong.passport.policy",
    RecordImport: "lifelong.passport.policy",
    Campaign: "lifelong.campaigns.policy",
    Resource: "lifelong.resources.policy",
    Article: "lifelong.news.policy",
}


@pytest.mark.parametrize("model", OWNERS, ids=lambda model: model.__name__)
def test_every_scoped_model_has_the_rule_of_its_own_app(model):
    assert policy.scope_rule(model).__module__ == OWNERS[model]


def test_the_registry_holds_exactly_the_scoped_models():
    assert set(policy._scope_rules) == set(OWNERS)


# `policy.restrict(actor, action, Model.objects…)` as the code writes it (the queryset's model
# named in the call).
_RESTRICTED = re.compile(r"policy\.restrict\(\s*[^,()]+,\s*[^,()]+,\s*([A-Z]\w*)\.objects", re.S)


def test_every_model_the_code_restricts_is_in_the_list():
    root = Path(settings.BASE_DIR) / "lifelong"
    restricted = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        restricted |= set(_RESTRICTED.findall(path.read_text(encoding="utf-8")))
    assert restricted, "the pattern no longer finds policy.restrict calls"
    assert restricted <= {model.__name__ for model in OWNERS}


def test_news_app_loading_registers_the_article_rule(monkeypatch):
    """The rule for Article comes from news' AppConfig.ready() and news.policy: without it (as
    when news/apps.py stopped registering it) nothing scopes articles."""
    assert policy.scope_rule(Article) is news_policy.article_scope
    monkeypatch.setattr(policy, "_scope_rules", {})
    apps.get_app_config("news").ready()
    assert policy._scope_rules == {Article: news_policy.article_scope}


def test_an_unregistered_model_is_refused_by_name(monkeypatch):
    monkeypatch.delitem(policy._scope_rules, Article)
    with pytest.raises(TypeError, match="No scope rule for Article"):
        policy.restrict(None, policy.Action.VIEW, Article.objects.all())


@pytest.mark.django_db
def test_without_its_rule_a_scoped_list_fails(demo, monkeypatch):
    assert institution_staff_list(actor=demo.county_admin).exists()
    assert articles_managed(actor=demo.county_admin) is not None
    monkeypatch.delitem(policy._scope_rules, Institution)
    with pytest.raises(TypeError, match="No scope rule for Institution"):
        institution_staff_list(actor=demo.county_admin)
    monkeypatch.delitem(policy._scope_rules, Article)
    with pytest.raises(TypeError, match="No scope rule for Article"):
        articles_managed(actor=demo.county_admin)


@pytest.mark.django_db
def test_restrict_and_can_apply_the_registered_rule(demo, monkeypatch):
    county = demo.county_admin.role_grants.get().region
    institution = Institution.objects.filter(region__path__startswith=county.path).first()
    assert policy.can(demo.county_admin, policy.Action.CHANGE, institution)
    seen = []

    def nobody(actor, action):
        seen.append((actor, action))
        return Q(pk__in=[])

    monkeypatch.setitem(policy._scope_rules, Institution, nobody)
    assert not policy.can(demo.county_admin, policy.Action.CHANGE, institution)
    assert not policy.restrict(demo.county_admin, policy.Action.VIEW, Institution.objects.all()).exists()
    assert seen == [(demo.county_admin, policy.Action.CHANGE), (demo.county_admin, policy.Action.VIEW)]


def test_a_model_has_one_rule():
    rule = policy.scope_rule(Article)
    policy.register_scope(Article, rule)  # the same rule again (a second ready()) is harmless
    with pytest.raises(ValueError, match="Article already has a scope rule"):
        policy.register_scope(Article, lambda actor, action: Q())
    assert policy.scope_rule(Article) is rule


@pytest.mark.django_db
@pytest.mark.parametrize("model", OWNERS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("action", list(policy.Action), ids=str)
def test_a_superuser_without_roles_is_scoped_to_everything(model, action, demo):
    """A superuser holds no grant, so every part of a rule but the subtree's is empty: the
    subtree's must stay true of every row when or-ed with them (Q() | Q(x) would be Q(x))."""
    superuser = User.objects.create_superuser(phone="13900000099", password="x-9Lifelong!", name="Root")
    assert not RoleGrant.objects.filter(user=superuser).exists()
    everything = model.objects.all()
    assert policy.restrict(superuser, action, everything).count() == everything.count()
