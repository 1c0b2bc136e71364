"""Points benchmark: how long the pure classification and standings take for a big season.

    .venv/bin/python bench/results_points.py [--cars 60] [--rounds 20] [--classes 4] [--repeat 5]

A season of `rounds` races of `cars` cars in `classes` classes, with random retirements,
disqualifications and penalties; prints the median time of `classify` for one race and of
`compute_standings` for the whole season with drops and promotion rules. Figures only.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from events.engine.points import (
    Line,
    PointsScale,
    PromotionRule,
    Round,
    RoundLine,
    Rules,
    Status,
    classify,
    compute_standings,
)


def race(rng: random.Random, cars: int) -> list[Line]:
    lines = []
    for index in range(cars):
        status = rng.choices(
            [Status.CLASSIFIED, Status.DNF, Status.DSQ, Status.DNS, Status.NC],
            weights=[85, 8, 2, 3, 2],
        )[0]
        lines.append(
            Line(
                key=str(index + 1),
                status=status,
                road_position=index + 1,
                laps=20,
                total_ms=1_800_000 + index * 1_500,
                best_lap_ms=88_000 + rng.randint(0, 3_000),
                best_lap_no=rng.randint(1, 20),
                penalty_ms=rng.choice([0] * 12 + [5_000, 10_000]),
                penalty_positions=rng.choice([0] * 20 + [1, 3]),
            )
        )
    return lines


def season(rng: random.Random, cars: int, rounds: int, classes: int) -> list[Round]:
    result = []
    for number in range(rounds):
        classified = classify(race(rng, cars))
        result.append(
            Round(
                key=f"r{number}",
                lines=tuple(
                    RoundLine(
                        competitor=f"driver-{line.key}",
                        status=line.status,
                        position=line.position,
                        class_code=f"c{int(line.key) % classes}",
                        best_lap_ms=line.best_lap_ms,
                        best_lap_no=line.best_lap_no,
                        pole=line.key == "1",
                    )
                    for line in classified
                ),
            )
        )
    return result


def median_ms(function, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cars", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(7)
    one_race = race(rng, args.cars)
    rounds = season(rng, args.cars, args.rounds, args.classes)
    rules = Rules(
        scale=PointsScale(positions=(25, 18, 15, 12, 10, 8, 6, 4, 2, 1), pole=1, fastest_lap=1),
        drop_worst=2,
        promotions=(PromotionRule(class_code="c0", top=3, to_class="c1"),),
    )
    print(
        f"classify: {args.cars} cars: {median_ms(lambda: classify(one_race), args.repeat):.2f} ms"
    )
    standings_ms = median_ms(lambda: compute_standings(rounds, rules), args.repeat)
    print(
        f"compute_standings: {args.rounds} rounds x {args.cars} cars, {args.classes} classes, "
        f"drop 2, promotion: {standings_ms:.2f} ms"
    )


if __name__ == "__main__":
    main()
