"""Quiz attempts under load: autosave and submit against gunicorn, against a baseline.

    python -m bench.quiz [--size small|medium|large]

N simulated learners (200 at medium and large; 40 at small, to finish within a minute), each
logged in with a session of its own and enrolled in a course whose post-test draws 20
questions of every type from a bank of 100. Together, over loopback:
1. each starts an attempt (POST, as the quiz page's button does);
2. each autosaves all 20 answers one by one (POST JSON, as the page's script does);
3. each submits twice at once (a double click) on two connections.
The baseline, in the same run and with the same clients, is a bare Django view behind the same
middleware: one indexed query and a small template (the one bench.pages uses). Each phase is
compared with the baseline under the same shape of load:
- autosave, where every learner sends request after request, with the steady baseline: every
  learner requesting the baseline view back to back for some seconds;
- submit, one double click from every learner at the same moment (twice as many requests at
  once as there are learners, all queued together), with the baseline burst: every learner
  double-clicking a link to the baseline view at the same moment (the median of three
  bursts, just before the submit phase). A burst's p95 is the time the server takes to work
  through nearly all of it, which grows with the burst's size; against the steady baseline,
  which never has more than one request per learner waiting, a burst of two per learner
  would have its p95 judged about twice as harshly as its throughput
  (`submit_p95_vs_steady_baseline`, in the line as well).
Throughput is always compared with the steady baseline's, the better measure of what the
server can do (a burst's own rate is lowered by its start and its tail); the line also
carries submit's throughput against the burst's (`submit_throughput_vs_baseline_burst`).
Before the measured rounds, 16 other learners go through the same three steps unmeasured, so
that every server process has taken the quiz's code paths once (as the baseline is warmed up
too).

The round is measured three times (each learner takes the quiz three times, attempts being
unlimited), each time just after a baseline of its own; the figures are the medians over the
rounds, and every round's own figures are in the line as well: a round's submit phase lasts
about a second, too short to stand alone.

Afterwards the database is checked: every answer a 200 acknowledged must be there
(`lost_answers`), and every learner must have exactly one graded attempt per round, each
scored with the grade of its saved answers (`double_graded` counts learners with another
number of graded attempts or a score that differs from a fresh grading).

Targets: autosave and submit throughput >= 0.4 x the baseline's, p95 <= 3 x the baseline's,
no lost answers, no double grading.
"""

import json
import os
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path

from .harness import django_setup, emit, parse_args, throwaway_database
from .pages import (
    SETTINGS_MODULE,
    URLS_MODULE,
    Client,
    _database_settings,
    _free_port,
    _session_for,
    run_load,
    start_server,
    stop_server,
)

SIZES = {"small": 40, "medium": 200, "large": 200}
QUESTIONS = 20
BANK = 100
TARGET_THROUGHPUT_RATIO = 0.4
TARGET_P95_RATIO = 3.0
BASELINE_SECONDS = {"small": 3.0, "medium": 8.0, "large": 8.0}
WARMUP = 16  # learners of the unmeasured warm-up round
ROUNDS = 3  # measured rounds: each learner takes the quiz this many times
BURSTS = 3  # baseline bursts before each submit phase (their median is its baseline)


class JsonClient(Client):
    def post_json(self, path: str, payload: dict) -> tuple[int, bytes]:
        import http.client

        body = json.dumps(payload)
        headers = {
            "Cookie": self.cookie,
            "Host": "127.0.0.1",
            "Content-Type": "application/json",
            "X-CSRFToken": self.csrf,
        }
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request("POST", path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _bank(category):
    """100 questions, 20 of each type, each with a known right answer."""
    from decimal import Decimal

    from kursus.models import Question, QuestionOption

    kinds = ["single", "multiple", "truefalse", "short", "matching"]
    for n in range(BANK):
        kind = kinds[n % len(kinds)]
        question = Question(
            category=category, kind=kind, title=f"B{n}", text=f"<p>Soal beban {n}?</p>"
        )
        if kind == "single":
            specs = [("Benar", 1, ""), ("Salah 1", 0, ""), ("Salah 2", 0, ""), ("Salah 3", 0, "")]
        elif kind == "multiple":
            specs = [("A", "0.5", ""), ("B", "0.5", ""), ("C", -1, ""), ("D", -1, "")]
        elif kind == "truefalse":
            specs = [("Benar", 1, ""), ("Salah", 0, "")]
        elif kind == "short":
            specs = [("bawaslu", 1, "")]
        else:
            specs = [("TPS", 0, "Tempat"), ("PKD", 0, "Desa"), ("PTPS", 0, "Pengawas")]
        for i, (text, fraction, match) in enumerate(specs):
            question.options.add(
                QuestionOption(
                    text=f"<p>{text}</p>", fraction=Decimal(fraction), match=match, sort_order=i
                )
            )
        question.save()


def _answers_for(attempt, rng: random.Random) -> list[tuple[int, object]]:
    """A plausible answer to each frozen question: right about two times in three."""
    from kursus.models import QuestionOption

    rows = list(attempt.questions.select_related("question").order_by("position"))
    options = {
        o.id: o
        for o in QuestionOption.objects.filter(question_id__in=[r.question_id for r in rows])
    }
    answers = []
    for row in rows:
        kind = row.question.kind
        right = rng.random() < 0.67
        # The page names options by the attempt's tokens, and the autosave sends those.
        token, choice = row.option_tokens, row.choice_tokens
        if kind in ("single", "truefalse"):
            pick = [i for i in row.option_order if (options[i].fraction > 0) == right]
            answers.append((row.position, token[pick[0] if pick else row.option_order[0]]))
        elif kind == "multiple":
            good = [i for i in row.option_order if options[i].fraction > 0]
            picked = good if right else [*good[:1], row.option_order[-1]]
            answers.append((row.position, [token[i] for i in picked]))
        elif kind == "short":
            answers.append((row.position, "  BAWASLU " if right else "kpu"))
        else:
            by_match = {options[i].match: choice[i] for i in row.choice_order}
            pairs = {token[i]: by_match[options[i].match] for i in row.option_order}
            if not right:
                first = token[row.option_order[0]]
                pairs[first] = next(v for k, v in pairs.items() if k != first)
            answers.append((row.position, pairs))
    return answers


def _timed_phase(clients, work) -> dict:
    """Every client runs work(i, client) once, together; per-request latencies are returned by
    work as a list of (seconds, status)."""
    results: list[list[tuple[float, int]]] = [[] for _ in clients]
    errors = [0] * len(clients)
    barrier = threading.Barrier(len(clients) + 1)

    def run(i):
        barrier.wait()
        try:
            results[i] = work(i, clients[i])
        except Exception:
            errors[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    start = time.perf_counter()
    barrier.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies = sorted(s for r in results for s, _ in r)
    statuses: dict[str, int] = {}
    for r in results:
        for _, status in r:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
    p95 = latencies[max(0, int(0.95 * len(latencies) + 0.5) - 1)] if latencies else float("nan")
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p95_ms": p95 * 1000,
        "seconds": elapsed,
        "errors": sum(errors) + sum(1 for r in results for _, st in r if not 200 <= st < 400),
        "statuses": statuses,
        "raw": results,
    }


def main() -> None:
    args = parse_args(__doc__, SIZES)
    learners = SIZES[args.size]
    started = time.perf_counter()
    django_setup(DJANGO_LOG_LEVEL=os.environ.get("DJANGO_LOG_LEVEL", "WARNING"))

    from django.db import connection as default_connection

    from kursus.kuis.grading import OptionKey, score_for
    from kursus.models import (
        CourseCategory,
        CourseIndexPage,
        CoursePage,
        Enrollment,
        LessonPage,
        ModulePage,
        QuestionCategory,
        QuizAttempt,
        QuizPage,
        QuizSlot,
    )
    from lms.akun.models import User
    from lms.organisasi.services import orgunit_load_official

    with throwaway_database() as connection:
        orgunit_load_official()
        course = CoursePage(
            title="Kursus beban kuis",
            slug="beban",
            code="BEBAN-01",
            summary="Kursus untuk uji beban kuis.",
            objectives="<p>Uji beban.</p>",
            category=CourseCategory.objects.first(),
            jp=2,
            duration_minutes=90,
            sequential=False,
        )
        CourseIndexPage.objects.get().add_child(instance=course)
        module = course.add_child(instance=ModulePage(title="Modul", slug="modul"))
        module.add_child(instance=LessonPage(title="Materi", slug="materi", duration_minutes=5))
        category = QuestionCategory.objects.create(name="Bank beban", course=course)
        _bank(category)
        quiz = QuizPage(
            title="Post-test beban",
            slug="post-test",
            kind="posttest",
            time_limit_minutes=60,
            attempts_allowed=0,
        )
        quiz.slots.add(QuizSlot(category=category, draw_count=QUESTIONS, sort_order=0))
        course.add_child(instance=quiz)
        User.objects.bulk_create(
            [User(email=f"beban{i}@bench.invalid", is_active=True) for i in range(learners)]
            + [User(email=f"pemanasan{i}@bench.invalid", is_active=True) for i in range(WARMUP)]
        )
        users = list(User.objects.filter(email__startswith="beban").order_by("pk"))
        warm_users = list(User.objects.filter(email__startswith="pemanasan").order_by("pk"))
        Enrollment.objects.bulk_create(
            [Enrollment(user=u, course=course) for u in users + warm_users]
        )
        sessions = [_session_for(u) for u in users]
        warm_sessions = [_session_for(u) for u in warm_users]

        tmp = Path(tempfile.mkdtemp(prefix="bench-quiz-"))
        tag = f"q{os.getpid()}"
        (tmp / f"bench_urls_{tag}.py").write_text(URLS_MODULE)
        (tmp / f"bench_settings_{tag}.py").write_text(
            SETTINGS_MODULE.format(
                urls=f"bench_urls_{tag}", database=_database_settings(connection)
            )
        )
        default_connection.close()
        port = _free_port()
        proc = start_server(tmp, f"bench_settings_{tag}", port)
        try:
            clients = [JsonClient(port, s) for s in sessions]
            twins = [JsonClient(port, s) for s in sessions]  # the second tab of a double click
            codes = ["11", "32", "32.04", "35", "RI"]

            def baseline_path(i, n):
                return f"/bench-baseline/?kode={codes[(i + n) % len(codes)]}"

            run_load(clients, baseline_path, "GET", 0.5)  # warm up

            def run_round(users, clients, twins, rng):
                """Every learner of the group starts, autosaves every answer, then submits
                with a double click; the three phases timed separately."""

                def start_work(i, client):
                    t0 = time.perf_counter()
                    status, _ = client.request("POST", f"/belajar/kuis/{quiz.pk}/mulai/")
                    return [(time.perf_counter() - t0, status)]

                start_phase = _timed_phase(clients, start_work)
                attempts = {
                    a.user_id: a
                    for a in QuizAttempt.objects.filter(
                        quiz=quiz, status="in_progress", user__in=users
                    )
                }
                plans = [_answers_for(attempts[u.pk], rng) for u in users]

                def autosave_work(i, client):
                    out = []
                    url = f"/belajar/percobaan/{attempts[users[i].pk].pk}/jawab/"
                    for position, response in plans[i]:
                        t0 = time.perf_counter()
                        status, _ = client.post_json(
                            url, {"position": position, "response": response}
                        )
                        out.append((time.perf_counter() - t0, status))
                    return out

                autosave = _timed_phase(clients, autosave_work)

                def double_click(i, method, url):
                    """Learner i sends `url` twice at once, on both of their connections."""
                    twin_result = []

                    def twin():
                        t0 = time.perf_counter()
                        status, _ = twins[i].request(method, url)
                        twin_result.append((time.perf_counter() - t0, status))

                    thread = threading.Thread(target=twin)
                    thread.start()
                    t0 = time.perf_counter()
                    status, _ = clients[i].request(method, url)
                    mine = (time.perf_counter() - t0, status)
                    thread.join()
                    return [mine, *twin_result]

                # The baseline in the submit phase's shape: every learner double-clicks a link
                # to the baseline view, all at once (the median of BURSTS bursts).
                bursts = [
                    _timed_phase(clients, lambda i, _c: double_click(i, "GET", baseline_path(i, 0)))
                    for _ in range(BURSTS)
                ]
                burst = {
                    "rps": statistics.median(b["rps"] for b in bursts),
                    "p95_ms": statistics.median(b["p95_ms"] for b in bursts),
                    "errors": sum(b["errors"] for b in bursts),
                }
                submit = _timed_phase(
                    clients,
                    lambda i, _c: double_click(
                        i, "POST", f"/belajar/percobaan/{attempts[users[i].pk].pk}/kumpulkan/"
                    ),
                )
                return start_phase, autosave, burst, submit, attempts, plans

            # A warm-up round by learners of their own, not measured: every code path of the
            # quiz is taken once in each server process before the measured round, as the
            # baseline is warmed up before it is measured.
            warmup = run_round(
                warm_users,
                [JsonClient(port, s) for s in warm_sessions],
                [JsonClient(port, s) for s in warm_sessions],
                random.Random(7),
            )
            warmup_errors = sum(phase["errors"] for phase in warmup[:4])
            # The measured rounds: each learner takes the quiz ROUNDS times; each round has a
            # baseline of its own, measured just before it.
            rounds = []
            rng = random.Random(2026)
            for _ in range(ROUNDS):
                base = run_load(clients, baseline_path, "GET", BASELINE_SECONDS[args.size])
                rounds.append((base, *run_round(users, clients, twins, rng)))
        finally:
            stop_server(proc)

        # Verify from the database.
        from kursus.models import AttemptQuestion, QuestionOption

        lost = 0
        acknowledged = {}
        for _base, _start, autosave, _burst, _submit, attempts, plans in rounds:
            for i, u in enumerate(users):
                attempt = attempts[u.pk]
                for (position, response), (_s, status) in zip(
                    plans[i], autosave["raw"][i], strict=False
                ):
                    if status == 200:
                        acknowledged[(attempt.pk, position)] = response
        rows = AttemptQuestion.objects.filter(attempt__quiz=quiz).select_related("question")
        options: dict[int, list] = {}
        for o in QuestionOption.objects.filter(question__category=category):
            options.setdefault(o.question_id, []).append(o)
        recomputed: dict[int, object] = {}
        from html import unescape

        from django.utils.html import strip_tags

        for row in rows:
            sent = acknowledged.get((row.attempt_id, row.position))
            if sent is not None and row.response is None:
                lost += 1
            keys = [
                OptionKey(
                    id=o.id, fraction=o.fraction, text=unescape(strip_tags(o.text)), match=o.match
                )
                for o in options[row.question_id]
            ]
            recomputed[row.attempt_id] = recomputed.get(row.attempt_id, 0) + score_for(
                row.question.kind, keys, row.response, row.points
            )
        double = 0
        for u in users:
            graded = list(
                QuizAttempt.objects.filter(user=u, quiz=quiz).exclude(status="in_progress")
            )
            if len(graded) != ROUNDS or any(a.score != recomputed.get(a.pk) for a in graded):
                double += 1
        open_left = QuizAttempt.objects.filter(quiz=quiz, status="in_progress").count()

    def median(values):
        return statistics.median(values)

    per_round = []
    for base, start_phase, autosave, burst, submit, _attempts, _plans in rounds:
        figures_round = {
            "baseline_rps": base["rps"],
            "baseline_p95_ms": base["p95_ms"],
            "baseline_burst_rps": burst["rps"],
            "baseline_burst_p95_ms": burst["p95_ms"],
            "start_rps": start_phase["rps"],
            "start_p95_ms": start_phase["p95_ms"],
        }
        # Throughput, the server's capacity, against the steady baseline (which measures
        # capacity best: a burst's own rate is lowered by its start and its tail). The p95
        # against the baseline of the phase's shape: autosave (every learner sending request
        # after request) against the steady baseline, submit (a double click from every
        # learner at once) against the baseline burst, since a burst's p95 is its drain time.
        for name, phase, p95_against in (("autosave", autosave, base), ("submit", submit, burst)):
            figures_round.update(
                {
                    f"{name}_requests": phase["requests"],
                    f"{name}_rps": phase["rps"],
                    f"{name}_p95_ms": phase["p95_ms"],
                    f"{name}_throughput_vs_baseline": phase["rps"] / base["rps"],
                    f"{name}_p95_vs_baseline": phase["p95_ms"] / p95_against["p95_ms"],
                }
            )
        # The other two comparisons of submit, for the record: its throughput against the
        # burst's, and its p95 against the steady baseline's (as earlier runs compared it).
        figures_round["submit_throughput_vs_baseline_burst"] = submit["rps"] / burst["rps"]
        figures_round["submit_p95_vs_steady_baseline"] = submit["p95_ms"] / base["p95_ms"]
        per_round.append(figures_round)
    # Each figure is the median over the rounds (a round's submit phase lasts about a second,
    # too short for one to stand alone); every round's figures follow under "rounds".
    figures = {
        "learners": learners,
        "questions_per_attempt": QUESTIONS,
        "bank_size": BANK,
        "rounds_measured": ROUNDS,
        **{key: median([r[key] for r in per_round]) for key in per_round[0]},
    }
    met = all(
        figures[f"{name}_throughput_vs_baseline"] >= TARGET_THROUGHPUT_RATIO
        and figures[f"{name}_p95_vs_baseline"] <= TARGET_P95_RATIO
        for name in ("autosave", "submit")
    )
    met = met and lost == 0 and double == 0 and open_left == 0
    statuses: dict[str, dict] = {}
    for _base, start_phase, autosave, _burst, submit, _a, _p in rounds:
        for name, phase in (("start", start_phase), ("autosave", autosave), ("submit", submit)):
            for code, count in phase["statuses"].items():
                statuses.setdefault(name, {})
                statuses[name][code] = statuses[name].get(code, 0) + count
    figures.update(
        {
            "lost_answers": lost,
            "double_graded": double,
            "attempts_left_open": open_left,
            "errors": warmup_errors
            + sum(
                base["errors"]
                + start_phase["errors"]
                + autosave["errors"]
                + burst["errors"]
                + submit["errors"]
                for base, start_phase, autosave, burst, submit, _a, _p in rounds
            ),
            "statuses": statuses,
            "rounds": [{k: round(v, 4) for k, v in r.items()} for r in per_round],
            "target_throughput_vs_baseline": TARGET_THROUGHPUT_RATIO,
            "target_p95_vs_baseline": TARGET_P95_RATIO,
            "target_met": met,
            "total_seconds": time.perf_counter() - started,
        }
    )
    emit("quiz", args.size, figures)


if __name__ == "__main__":
    main()
