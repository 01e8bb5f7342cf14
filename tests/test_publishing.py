"""The publishing workflow: it parses, runs the same make targets as CI and the README, and
deploys the built site folder.  (It can only run on GitHub; this checks what can be checked.)"""
import pathlib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


def steps(job):
    return job["steps"]


def test_workflow_parses_and_tests_with_the_ci_command():
    wf = yaml.safe_load(WORKFLOW.read_text())
    triggers = wf.get("on", wf.get(True))          # YAML 1.1 reads the key `on` as True
    assert "push" in triggers and triggers["push"]["branches"] == ["main"]
    runs = [s.get("run", "") for s in steps(wf["jobs"]["test"])]
    assert "make test" in runs
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_workflow_builds_with_make_book_and_deploys_the_site_folder():
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["publish"]
    assert job["needs"] == "test" and "refs/heads/main" in job["if"]
    runs = [s.get("run", "") for s in steps(job)]
    assert "make book" in runs
    upload = [s for s in steps(job) if s.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert upload and upload[0]["with"]["path"] == "_build/html"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in steps(job))
    assert job["permissions"] == {"pages": "write", "id-token": "write"}


def test_readme_commands_are_the_workflow_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make book" in readme and "make test" in readme


def test_binder_installs_the_pinned_environment_and_rnnlib():
    binder = ROOT / "binder"
    reqs = [line.strip() for line in (binder / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    assert reqs == ["-r ../requirements.txt"]
    post = (binder / "postBuild").read_text()
    assert post.startswith("#!/usr/bin/env bash") and "pip install" in post and "-e ." in post
    assert (binder / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    assert (binder / "runtime.txt").read_text().strip().startswith("python-3.")
