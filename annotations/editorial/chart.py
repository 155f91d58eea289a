"""The dashboard's bar chart of approvals per day, as SVG geometry (no HTML): the
template draws what this computes, in a 600x130 area (its viewBox adds 14 on each side:
the first and last date labels are centred on bars at the edges)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from annotations.editorial.selectors import DayCount

BAR_PITCH = 20  # px from one day's bar to the next
BAR_MAX_HEIGHT = 90
BASELINE_Y = 110


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    x: int
    y: int
    height: int
    label_x: int
    label_y: int
    tick: bool  # a date label under this bar: weekly, and the last day


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    peak: int


def approvals_chart(*, days: Sequence[DayCount]) -> Chart:
    peak = max((d.count for d in days), default=0) or 1
    bars = []
    for i, d in enumerate(days):
        height = round(d.count / peak * BAR_MAX_HEIGHT)
        x = i * BAR_PITCH
        # Weekly ticks stop 4 days before the end, so the last day's label never overlaps.
        tick = (i % 7 == 0 and i < len(days) - 4) or i == len(days) - 1
        bars.append(
            Bar(
                day=d.day,
                count=d.count,
                x=x,
                y=BASELINE_Y - height,
                height=height,
                label_x=x + 8,
                label_y=BASELINE_Y - 4 - height,
                tick=tick,
            )
        )
    return Chart(bars=bars, peak=peak)
