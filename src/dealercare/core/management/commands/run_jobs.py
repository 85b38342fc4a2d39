from django.core.management.base import BaseCommand

from dealercare.core.runner import InProcessRunner, run_due_jobs, runner_id


class Command(BaseCommand):
    help = "Run the periodic jobs in this process (one machine, no Celery needed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run the jobs that are due now, then stop."
        )

    def handle(self, *args, once=False, **options):
        if once:
            for run in run_due_jobs(runner_id()):
                self.stdout.write(f"{run.job.name}: {run.outcome} {run.error or run.result}")
            return
        self.stdout.write("Job runner started.")
        InProcessRunner().run_forever()
