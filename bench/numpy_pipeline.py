#!/usr/bin/python3
"""The benchmark pipeline written the straightforward numpy way, for comparison.

Same shape as engine_benchmark's BM_FullRecompute: N contestants x 7 items x 5 judges,
judge z-scores per item, trimmed mean (drop highest and lowest), events 30/70, ranking
by total then practical (2 decimals), team sums (teams of 5). Prints the median time
of several runs. Usage: bench/numpy_pipeline.py [contestants] [runs]
"""
import sys
import time

import numpy as np


def pipeline(marks, present, team_of, teams):
    n, items, judges = marks.shape
    item_score = np.empty((n, items))
    for i in range(items):
        m = marks[:, i, :]
        p = present[:, i, :]
        cnt = p.sum(axis=0)
        mean = np.where(p, m, 0).sum(axis=0) / cnt
        sd = np.sqrt(np.where(p, (m - mean) ** 2, 0).sum(axis=0) / cnt)
        pooled_mean = m[p].mean()
        pooled_sd = m[p].std()
        adj = np.clip((m - mean) / sd * pooled_sd + pooled_mean, 0, 20)
        s = np.sort(np.where(p, adj, np.nan), axis=1)
        item_score[:, i] = np.nanmean(s[:, 1:-1], axis=1)
    theory = item_score[:, :2].sum(axis=1)
    practical = item_score[:, 2:].sum(axis=1)
    total = 0.3 * theory + 0.7 * practical
    key_total = np.round(total * 100).astype(np.int64)
    key_practical = np.round(practical * 100).astype(np.int64)
    order = np.lexsort((-key_practical, -key_total))
    ranks = np.empty(n, dtype=np.int64)
    sorted_total = key_total[order]
    sorted_practical = key_practical[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = (sorted_total[1:] != sorted_total[:-1]) | (sorted_practical[1:] != sorted_practical[:-1])
    starts = np.where(new_group, np.arange(n), 0)
    ranks[order] = np.maximum.accumulate(starts) + 1
    team_total = np.bincount(team_of, weights=total, minlength=teams)
    team_order = np.argsort(-np.round(team_total * 100), kind="stable")
    return ranks, team_order


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    rng = np.random.default_rng(20261122)
    ability = rng.normal(13, 2.5, size=(n, 1, 1))
    severity = rng.normal(0, 1, size=(1, 7, 5))
    marks = np.clip(np.round((ability + severity + rng.normal(0, 0.8, size=(n, 7, 5))) * 2) / 2, 0, 20)
    present = np.ones(marks.shape, dtype=bool)
    team_of = np.arange(n) // 5
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        pipeline(marks, present, team_of, n // 5)
        times.append(time.perf_counter() - start)
    print(f"numpy pipeline, {n} contestants x 7 items x 5 judges: median {np.median(times) * 1000:.0f} ms "
          f"over {runs} runs (min {min(times) * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
