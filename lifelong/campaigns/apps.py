from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "lifelong.campaigns"
    label = "campaigns"
