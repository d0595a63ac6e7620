"""The yearly measurement as one script: run the three waves of ona.toml and compare them.

    python examples/yearly/run.py            (from the repository root, with ona installed)

Writes report-2024/, report-2025/, report-2026/, ona-history.db and compare-2025/, compare-2026/
next to this file; re-running replaces the stored waves.
"""

from __future__ import annotations

from pathlib import Path

import ona
from ona.compare import is_meaningful
from ona.config import read_config, run_wave

HERE = Path(__file__).parent


def main() -> None:
    config = read_config(HERE / "ona.toml")
    for wave in config.waves:
        run_wave(config, wave, replace=True)
        print(f"wave {wave}: stored")
    labels = list(config.waves)
    with ona.open_history(config.history_path, read_only=True) as history:
        for before, after in zip(labels, labels[1:]):
            comparison = ona.compare_waves(history.load(before), history.load(after), mapping=config.units,
                                           **config.compare)
            for warning in comparison.warnings:  # e.g. waves measured with a different tie rule
                print(f"Warning: {warning}")
            paths = ona.write_comparison(comparison, HERE / f"compare-{after}", waves=history.waves())
            units = [u for u, r in comparison.units.iterrows() if is_meaningful(r["ei_change_meaningful"])]
            print(f"{before} -> {after}: unit E-I changed beyond noise in {', '.join(units) or 'no unit'}; "
                  f"see {paths['html']}")


if __name__ == "__main__":
    main()
