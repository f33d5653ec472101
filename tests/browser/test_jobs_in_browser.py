"""A large donation-history file goes to the background worker: the progress bar moves while the page
polls, survives a reload, and ends on the import's summary."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_progress_bar_follows_the_job_and_survives_a_reload(
    live_server, page, tree, people, login, screenshot, settings, tmp_path
):
    from hienmau.donors.models import Donation
    from hienmau.jobs import services
    from hienmau.jobs.models import Job, JobState
    from hienmau.orgs.models import Unit
    from tests.jobs.test_jobs import history_file

    settings.HIENMAU_BACKGROUND_IMPORT_BYTES = 0  # every upload counts as large
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    hospital = Unit.objects.create(
        name="Trung tâm Y tế huyện Ân Thi", kind="organisation", category="hospital", parent=tree.an_thi, code="TTYT-AT"
    )
    login("ctd.anthi")
    page.goto(f"{live_server.url}/donors/import/")
    page.set_input_files("#id_file", str(history_file(tmp_path, 60)))
    page.select_option("#id_facility", str(hospital.pk))
    page.click("main form.form button[type=submit]")
    page.wait_for_selector("#job-progress:has-text('Đang chờ xử lý')")
    job = Job.objects.get()
    assert page.url.endswith(f"/jobs/{job.pk}/")

    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)  # the worker has taken it …
    services.ProgressFile(job.pk)(24, 60)  # … and saved 24 of its 60 rows so far
    page.wait_for_selector("#job-progress:has-text('24/60 dòng')")  # the page polls, no reload
    assert page.locator("#job-progress progress").get_attribute("value") == "40"
    page.reload()
    page.wait_for_selector("#job-progress:has-text('Đang xử lý')")
    assert "24/60 dòng" in page.locator("#job-progress").inner_text()
    screenshot("job-running")

    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED)
    assert services.run(job.pk) == JobState.DONE  # what `hienmau db_worker` does with it
    page.wait_for_selector("#job-progress:has-text('Đã xong')")
    text = page.locator("#job-progress").inner_text()
    assert "60 dòng: thêm 60 lần hiến" in text and Donation.objects.count() == 60
    assert page.locator("#job-progress progress").get_attribute("value") == "100"
    screenshot("job-done")
    page.click("text=Xem kết quả")
    page.wait_for_url(f"{live_server.url}/donors/")
