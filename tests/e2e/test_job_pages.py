"""The jobs page on a 390 px phone: no sideways scrolling, and run-now from the button."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dealercare.core.models import JobRun, JobState
from dealercare.core.runner import run_due_jobs
from dealercare.core.scheduling import registered_jobs

pytestmark = pytest.mark.e2e


@pytest.fixture
def runs(cast):
    run_due_jobs("e2e")
    JobState.objects.update(next_due=timezone.now())
    run_due_jobs("e2e")
    state = JobState.objects.get(name="customers_retention_anonymise")
    JobRun.objects.create(
        job=state,
        trigger=JobRun.Trigger.SCHEDULE,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        outcome=JobRun.Outcome.FAILED,
        error="OperationalError: " + "could_not_connect_to_server_" * 8,
        runner="runner:a-rather-long-host-name.dealercare.example:12345:abcdef",
    )


def test_jobs_page_fits_a_phone_and_runs_a_job_now(page, live_server, log_in, runs, artifacts):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "admin@sh01")
    page.goto(f"{live_server.url}/jobs/")
    expect(page.locator("h1")).to_have_text("定时任务")
    expect(page.get_by_text("每天 02:00")).to_be_visible()
    # a run of every job, and the failed one made above
    expect(page.locator("#results tbody tr")).to_have_count(len(registered_jobs()) + 1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=artifacts / "jobs-390.png", full_page=True)

    job = page.locator("article.job", has_text="清除过期的 API 令牌")
    job.get_by_role("button", name="立即运行").click()
    expect(page.get_by_text("任务将在几秒钟内运行。")).to_be_visible()
    expect(job.get_by_role("button", name="已请求运行")).to_be_disabled()
    assert JobState.objects.get(name="expired_tokens_purge").requested_at is not None
