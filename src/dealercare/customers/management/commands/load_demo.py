from django.core.management.base import BaseCommand
from django.db import transaction

from dealercare.care_demo import care_demo_fill
from dealercare.complaints_demo import complaints_demo_fill
from dealercare.core.demo_accounts import DEMO_DEALERS, STAFF_NAMES, demo_account
from dealercare.core.models import Brand, Dealer
from dealercare.core.roles import Role
from dealercare.demo_data import dealer_fill
from dealercare.demo_parts import parts_demo_fill
from dealercare.service_demo import service_demo_fill
from dealercare.surveys_demo import surveys_demo_fill


class Command(BaseCommand):
    help = "Load the demo dealer group (once): a brand, two dealers, staff and customers."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=2000)
        parser.add_argument("--vehicles", type=int, default=2500)

    def handle(self, *args, customers, vehicles, **options):
        with transaction.atomic():
            brand, _created = Brand.objects.get_or_create(code="xt", defaults={"name": "星途汽车"})
            demo_account("oem@xt", Role.OEM_ANALYST, "品牌分析师", brand=brand)
        for seed, (code, name, city) in enumerate(DEMO_DEALERS, start=1):
            dealer, created = Dealer.objects.get_or_create(
                code=code, defaults={"brand": brand, "name": name, "city": city}
            )
            for role, display in STAFF_NAMES.items():
                demo_account(f"{role}@{code}", role, f"{display}（{code}）", dealer=dealer)
            if created:
                dealer_fill(dealer, customers=customers, vehicles=vehicles, seed=seed)
                parts_demo_fill(dealer)
                workshop = service_demo_fill(dealer, seed=seed)
                desk = complaints_demo_fill(dealer, seed=seed)
                surveys = surveys_demo_fill(dealer, seed=seed)
                care = care_demo_fill(dealer, seed=seed)
                self.stdout.write(
                    f"{name}: {customers} customers, ~{vehicles} vehicles, "
                    f"{workshop['history']} repair orders in the last year, "
                    f"{workshop['today']} today, {workshop['booked']} bookings ahead, "
                    f"{desk['history']} complaints, inquiries and suggestions, "
                    f"{surveys['answered']} survey answers, "
                    f"{care['sent']} reminders sent in the last month "
                    f"({care['delivered']} delivered, {care['failed']} failed), "
                    f"{care['calls']} reminder calls, {care['planned']} planned, loaded"
                )
            else:
                self.stdout.write(f"{name}: already loaded")
