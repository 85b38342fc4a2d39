from django.core.management.base import BaseCommand

from dealercare.core.runner import run_forever


class Command(BaseCommand):
    help = "Run the periodic jobs in this process (one machine, no Celery needed)."

    def handle(self, *args, **options):
        self.stdout.write("Job runner started.")
        run_forever()
