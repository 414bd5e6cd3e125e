from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "lifelong.institutions"
    label = "institutions"

    def ready(self) -> None:
        # The scope rules of this app's models (lifelong.accounts.policy.restrict/can).
        from lifelong.accounts.policy import register_scope

        from . import policy
        from .models import Institution, Venue, VenueBooking

        register_scope(Institution, policy.institution_scope)
        register_scope(Venue, policy.venue_scope)
        register_scope(VenueBooking, policy.venue_booking_scope)
