"""Commit what `jwtool new --from-issue` wrote on the issue's branch and push it, never discarding a
commit that this workflow did not make (.github/workflows/issue-to-pr.yml).

    python .github/scripts/issue_branch.py BRANCH MESSAGE

Run in a checkout of the default branch with its history (fetch-depth: 0) that holds the new files
under interventions/ and sources/, with git's user.name and user.email set to the workflow's bot.
What happens depends on BRANCH on the remote (origin):

  created   it does not exist: one commit on the default branch becomes the branch
  replaced  beyond the default branch it holds only commits that the bot both authored and
            committed: one new commit on the default branch replaces it, pushed with
            --force-with-lease on the commit just fetched, so a push that races a maintainer's fails
  kept      it holds a commit someone else authored or committed (a maintainer's work on the pull
            request, a merge of the default branch, a rebase): nothing is pushed
  raced     it changed after it was fetched: nothing is pushed

The first line on stdout is the status; for kept, the other people's commits follow, one a line.
With $GITHUB_OUTPUT set, ``status=<status>`` is appended to it for the next steps. Every status
exits 0; anything else (no identity, a failing git) exits non-zero.
"""

from __future__ import annotations

import os
import subprocess
import sys


def git(*args: str, check: bool = True) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        sys.exit(f"git {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout if done.returncode == 0 else ""


def remote_sha(ref: str) -> str:
    """The commit ``ref`` names on origin now, "" when there is no such branch."""
    listed = git("ls-remote", "--exit-code", "origin", ref, check=False).split()
    return listed[0] if listed else ""


def others(tip: str, base: str, bot: str) -> list[str]:
    """Commits on ``tip`` beyond ``base`` that the bot did not both author and commit."""
    found = []
    for line in git("log", "--format=%H%x09%ae%x09%ce%x09%an%x09%cn%x09%s", tip, "--not", base).splitlines():
        sha, author, committer, name, by, subject = line.split("\t", 5)
        if author.lower() != bot or committer.lower() != bot:
            found.append(f"{sha[:12]} {name}{f' (commit: {by})' if by != name else ''}: {subject}")
    return found


def report(status: str, lines: tuple[str, ...] | list[str] = ()) -> int:
    print("\n".join([status, *lines]))
    if os.environ.get("GITHUB_OUTPUT"):
        with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as fh:
            fh.write(f"status={status}\n")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    branch, message = argv
    bot = git("config", "user.email").strip().lower()
    if not bot:
        sys.exit("git config user.email is not set: the bot's identity decides which commits are the workflow's")
    base = git("rev-parse", "HEAD").strip()
    ref = f"refs/heads/{branch}"
    seen = ""
    if remote_sha(ref):
        tracking = f"refs/remotes/origin/{branch}"
        git("fetch", "--no-tags", "origin", f"+{ref}:{tracking}")
        seen = git("rev-parse", tracking).strip()  # what is inspected is what the lease expects
        if kept := others(seen, base, bot):
            return report("kept", kept)
    git("checkout", "-q", "-B", branch)
    git("add", "interventions", "sources")
    git("commit", "-q", "-m", message)
    # an empty expected value: the branch must still not exist
    pushed = subprocess.run(["git", "push", f"--force-with-lease={ref}:{seen}", "origin", f"HEAD:{ref}"], capture_output=True, text=True, check=False)
    if pushed.returncode != 0:
        if remote_sha(ref) != seen:
            return report("raced")
        sys.exit(f"git push failed: {pushed.stderr.strip()}")
    return report("replaced" if seen else "created")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
