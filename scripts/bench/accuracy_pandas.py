"""The accuracy bench's peer: the same figures fwb's engine serves the Accuracy
screen (the FVA stairstep plus six slices: planner, reason, direction x size,
category, lag, period), computed in pandas straight from the workbook's raw
tables, the way an analyst would write it: vectorised, no Python loops over rows.

    /usr/bin/python3 accuracy_pandas.py WORKBOOK WEIGHTS.json OUT.json REPEATS METRIC...

Loading the tables into DataFrames is not timed; everything after is: looking up
each line's actual, naive (the actual of the origin's bucket) and seasonal naive
(the same bucket whole seasons back, at or before the origin), the final plan
(line_state, else the model), the sales input, the override in force with its
reason and author, MASE's scale (the mean absolute seasonal difference of the
item's history up to the origin), the per-line error terms, the sums per slice
and item group, the metrics, FVA, improved / worsened counts, and the 95 %
bootstrap interval (Poisson(1) weights over 32 fixed item groups, 1000
resamples). The weights are fwb's own (read from WEIGHTS.json with the data) so
the intervals can be compared number for number; drawing them with numpy instead
costs well under a millisecond. Writes the figures and the seconds per metric.

As fwb counts: a metric's n is the lines it scored (MAPE: actual above 0; MASE:
a scale), improved / worsened are among those, and the benchmarks count each
(item, location, period, origin bucket) once however many runs forecast it.
"""

import json
import sqlite3
import sys
import time

import numpy as np
import pandas as pd

ITEM_GROUPS = 32
SIZE_EDGES = np.array([5.0, 10.0, 20.0, 50.0])
SIZE_LABELS = ["< 5 %", "5–10 %", "10–20 %", "20–50 %", "> 50 %"]
SEASON = {"month": 12, "quarter": 4, "year": 1}
# metric -> (per-line term of the error, denominator column, factor, root); as electron/backend/accuracy/metrics.ts
METRICS = {
    "mae": ("abs", "n", 1.0, False),
    "wape": ("abs", "a", 100.0, False),
    "bias": ("e", "a", 100.0, False),
    "mape": ("ape", "n_pos", 1.0, False),
    "smape": ("sape", "n", 1.0, False),
    "mase": ("sc", "n_scaled", 1.0, False),
    "rmse": ("sq", "n", 1.0, True),
}


def load(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    q = lambda sql: pd.read_sql_query(sql, con)
    tables = {
        "lines": q("SELECT line_id, run_id, item_key, location_key, period, lag, quantity FROM forecast_lines"),
        "actuals": q("SELECT item_key, location_key, period, quantity FROM actuals WHERE superseded_at IS NULL"),
        "line_state": q("SELECT line_id, final_quantity, status, reason_code, decided_by FROM line_state"),
        "overrides": q("SELECT decision_id, line_id, quantity, reason_code, decided_by FROM decisions WHERE action = 'override'"),
        "sales": q("SELECT item_key, location_key, period, quantity FROM sales_inputs WHERE superseded_at IS NULL"),
        "items": q("SELECT item_key, category FROM items"),
        "runs": q("SELECT run_id, model_name, origin, grain FROM forecast_runs"),
    }
    con.close()
    return tables


# ——— the computation (timed) ———


def series_key(item, loc, period):
    """One int64 key for item x location x period (periods are yyyymmdd)."""
    return (item.astype(np.int64) * 1000 + loc.astype(np.int64)) * 100_000_000 + period.astype(np.int64)


def lookup(series, keys):
    """series[keys] with NaN where a key is missing (series has a unique index)."""
    pos = series.index.get_indexer(keys)
    out = series.to_numpy(dtype=float)[pos]
    out[pos < 0] = np.nan
    return out


def line_frame(t, need_scale):
    runs = t["runs"]
    if not runs.grain.isin(list(SEASON)).all():
        raise SystemExit("accuracy_pandas: only month, quarter and year grains are written here")
    lines = t["lines"]
    act = t["actuals"]
    act_q = pd.Series(act.quantity.to_numpy(), index=series_key(act.item_key, act.location_key, act.period))

    a = lookup(act_q, series_key(lines.item_key, lines.location_key, lines.period))
    df = lines.loc[~np.isnan(a)].copy()
    df["act"] = a[~np.isnan(a)]

    # The run's origin bucket and season length.
    run = runs.set_index("run_id")
    month = run.origin // 100 % 100
    first_month = np.where(run.grain == "year", 1, np.where(run.grain == "quarter", (month - 1) // 3 * 3 + 1, month))
    ob = pd.Series(run.origin // 10000 * 10000 + first_month * 100 + 1, index=run.index)
    season = run.grain.map(SEASON)
    df["ob"] = ob.reindex(df.run_id).to_numpy()
    s = season.reindex(df.run_id).to_numpy()

    nv = lookup(act_q, series_key(df.item_key, df.location_key, df.ob))
    k = np.maximum(1, (df.lag.to_numpy() + s - 1) // s)
    sn = lookup(act_q, series_key(df.item_key, df.location_key, df.period - 10000 * k))
    hb = ~np.isnan(nv) & ~np.isnan(sn)
    df["hb"] = hb
    # The line that carries its point's benchmarks: the lowest run id at the point's origin bucket.
    point = [df.ob, df.item_key, df.location_key, df.period]
    df["first"] = df.run_id.to_numpy() == df.groupby(point).run_id.transform("min").to_numpy()
    df["nv"] = np.where(hb, nv, np.nan)
    df["sn"] = np.where(hb, sn, np.nan)
    sales = t["sales"]
    df["si"] = lookup(pd.Series(sales.quantity.to_numpy(), index=series_key(sales.item_key, sales.location_key, sales.period)), series_key(df.item_key, df.location_key, df.period))

    # The final plan (line_state, else the model) and, for overridden lines, the override in force: reason and author.
    ls = t["line_state"].set_index("line_id")
    final = lookup(ls.final_quantity, df.line_id)
    df["m"] = df.quantity.astype(float)
    df["f"] = np.where(np.isnan(final), df.m, final)
    df["dir"] = np.sign(df.f - df.m).astype(np.int8)
    over = df.index[df.dir != 0]
    state = ls.reindex(df.loc[over, "line_id"])
    reason = state.reason_code.to_numpy(copy=True)
    planner = state.decided_by.to_numpy(copy=True)
    # An override still pending (or rejected) over an earlier one: the plan carries the earlier one's quantity, so its reason and author.
    carried = ~state.status.isin(["final", "approved"]).to_numpy()
    if carried.any():
        latest = t["overrides"].sort_values("decision_id").drop_duplicates(["line_id", "quantity"], keep="last")
        found = df.loc[over[carried], ["line_id", "f"]].merge(latest, how="left", left_on=["line_id", "f"], right_on=["line_id", "quantity"])
        reason[carried] = found.reason_code.to_numpy()
        planner[carried] = found.decided_by.to_numpy()
    df["reason"] = pd.Series(reason, index=over)
    df["planner"] = pd.Series(planner, index=over)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.abs(df.f - df.m) * 100.0 / df.m
    df["size"] = np.where(df.m <= 0, 4, np.searchsorted(SIZE_EDGES, pct.to_numpy(), side="right"))
    df["grp"] = (df.item_key.astype(np.int64) * 2654435761 % 4294967296) % ITEM_GROUPS
    df["category"] = t["items"].set_index("item_key").category.reindex(df.item_key).to_numpy()

    if need_scale:
        # MASE's scale per run and item: mean |seasonal difference| of the actuals up to the origin's bucket.
        il = act.item_key.astype(np.int64) * 1000 + act.location_key
        # One season back is one year back in the yyyymmdd key for months, quarters and years.
        prev = lookup(act_q, series_key(act.item_key, act.location_key, act.period - 10000))
        diffs = pd.DataFrame({"il": il, "period": act.period, "d": np.abs(act.quantity.to_numpy() - prev)}).dropna()
        diffs = diffs.sort_values(["il", "period"])
        diffs["cum"] = diffs.groupby("il").d.cumsum()
        diffs["cnt"] = diffs.groupby("il").cumcount() + 1
        df["il"] = df.item_key.astype(np.int64) * 1000 + df.location_key
        pairs = df[["run_id", "il", "ob"]].drop_duplicates(["run_id", "il"]).sort_values("ob")
        pairs = pd.merge_asof(pairs, diffs.sort_values("period"), left_on="ob", right_on="period", by="il", direction="backward")
        scale = pd.Series((pairs.cum / pairs.cnt).to_numpy(), index=pairs.run_id.astype(np.int64) * 10_000_000_000 + pairs.il)
        df["scale"] = scale.reindex(df.run_id.astype(np.int64) * 10_000_000_000 + df.il).to_numpy()
    return df


def terms(df, metric):
    """Per-line numerators of each source and the denominator, as the cube's columns (cube.ts)."""
    term, den, _, _ = METRICS[metric]
    act = df.act.to_numpy()
    out = {}
    for src in ["m", "f", "nv", "sn", "si"]:
        f = df[src].to_numpy()
        e = f - act
        with np.errstate(divide="ignore", invalid="ignore"):
            if term == "abs":
                v = np.abs(e)
            elif term == "e":
                v = e
            elif term == "sq":
                v = e * e
            elif term == "ape":
                v = np.where(act > 0, np.abs(e) * 100.0 / act, np.nan)
            elif term == "sape":
                v = np.where((f == 0) & (act == 0), 0.0, 200.0 * np.abs(e) / (np.abs(f) + np.abs(act)))
                v[np.isnan(f)] = np.nan
            else:  # sc
                scale = df.scale.to_numpy()
                v = np.where(scale > 0, np.abs(e) / scale, np.nan)
        out[src] = v
    if den == "n":
        out["den"] = np.ones(len(df))
    elif den == "a":
        out["den"] = act
    elif den == "n_pos":
        out["den"] = (act > 0).astype(float)
    else:
        out["den"] = (df.scale.to_numpy() > 0).astype(float)
    # The lines the metric scores: its n, and the lines improved / worsened are counted among.
    scored = (out["den"] > 0) if den in ("n_pos", "n_scaled") else np.ones(len(df), dtype=bool)
    err = {src: np.abs(df[src].to_numpy() - act) for src in ["m", "f", "nv", "sn", "si"]}
    for before, after in [("nv", "sn"), ("sn", "m"), ("m", "f"), ("m", "si")]:
        out[f"better_{before}_{after}"] = ((err[after] < err[before]) & scored).astype(np.int64)
        out[f"worse_{before}_{after}"] = ((err[after] > err[before]) & scored).astype(np.int64)
    out["lines"] = np.ones(len(df), dtype=np.int64)
    out["n"] = scored.astype(np.int64)
    out["n_pos"] = (act > 0).astype(np.int64)
    return pd.DataFrame(out, index=df.index)


def metric_value(metric, num, den):
    _, _, factor, root = METRICS[metric]
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(den > 0, factor * num / den, np.nan)
    return np.sqrt(v) if root else v


def fva(metric, before, after):
    return np.abs(before) - np.abs(after) if metric == "bias" else before - after


def interval(metric, den_g, before_g, after_g, w):
    """Bootstrap interval per key; *_g are (keys x groups) sums, w is (resamples x groups)."""
    den_b, before_b, after_b = w @ den_g.T, w @ before_g.T, w @ after_g.T
    v = fva(metric, metric_value(metric, before_b, den_b), metric_value(metric, after_b, den_b))
    ok = (~np.isnan(v)).sum(axis=0)
    present = (den_g > 0).sum(axis=1)
    with np.errstate(all="ignore"):
        q = np.nanquantile(v, [0.025, 0.975], axis=0) if v.size else np.zeros((2, 0))
    valid = (present >= 2) & (ok >= len(w) / 2)
    return [{"low": float(lo), "high": float(hi)} if good else None for lo, hi, good in zip(q[0], q[1], valid)]


def num(x):
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


def by_group(values, keys):
    """Sums per item group, all 32 groups (a group without lines sums to 0): (1 x groups) per column."""
    g = values.groupby(keys).sum().reindex(range(ITEM_GROUPS), fill_value=0)
    return {c: g[c].to_numpy(dtype=float)[None, :] for c in values.columns}


def stairstep(metric, df, tm, w):
    cols = ["lines", "n", "n_pos", "den", "nv", "sn", "m", "f", "better_nv_sn", "worse_nv_sn", "better_sn_m", "worse_sn_m", "better_m_f", "worse_m_f"]
    hb = df.hb.to_numpy()
    g = by_group(tm.loc[hb, cols], df.grp[hb])
    tot = {c: g[c].sum() for c in cols}
    # The benchmarks on the forecast points, each once; the model and final plan on every line, each against its own point's benchmark.
    first = hb & df["first"].to_numpy()
    gp = by_group(tm.loc[first, cols], df.grp[first])
    tp = {c: gp[c].sum() for c in cols}
    steps = []
    for source, p, before, pair, gg, tt in [("naive", "nv", None, None, gp, tp), ("seasonal_naive", "sn", "nv", "nv_sn", gp, tp), ("model", "m", "sn", "sn_m", g, tot), ("final", "f", "m", "m_f", g, tot)]:
        value = metric_value(metric, tt[p], tt["den"])
        step = {"source": source, "n": int(tt["n"]), "excluded": int(tt["lines"] - tt["n"]), "value": num(value), "fva": None, "ci": None, "improved": None, "worsened": None, "unchanged": None}
        if before is not None:
            step["fva"] = num(fva(metric, metric_value(metric, tt[before], tt["den"]), value))
            step["ci"] = interval(metric, gg["den"], gg[before], gg[p], w)[0]
            step["improved"], step["worsened"] = int(tt[f"better_{pair}"]), int(tt[f"worse_{pair}"])
            step["unchanged"] = step["n"] - step["improved"] - step["worsened"]
        steps.append(step)
    has_si = ~np.isnan(df.si.to_numpy())
    sales = None
    if has_si.any():
        scols = ["lines", "n", "den", "m", "si", "better_m_si", "worse_m_si"]
        g2 = by_group(tm.loc[has_si, scols], df.grp[has_si])
        t2 = {c: g2[c].sum() for c in scols}
        m, si = metric_value(metric, t2["m"], t2["den"]), metric_value(metric, t2["si"], t2["den"])
        improved, worsened = int(t2["better_m_si"]), int(t2["worse_m_si"])
        sales = {"source": "sales_input", "n": int(t2["n"]), "excluded": int(t2["lines"] - t2["n"]), "value": num(si), "fva": num(fva(metric, m, si)), "ci": interval(metric, g2["den"], g2["m"], g2["si"], w)[0], "improved": improved, "worsened": worsened, "unchanged": int(t2["n"]) - improved - worsened}
    return {"n": int(tot["lines"]), "steps": steps, "salesInput": sales, "excludedZeroActuals": int(tot["lines"] - tot["n_pos"])}


COMPARISON = ["lines", "n", "den", "m", "f", "better_m_f", "worse_m_f"]


def comparison(metric, values, key, grp, w):
    """Model versus final plan per key: rows of n, model, final, fva, interval, improved, worsened."""
    cols = COMPARISON
    g = values.groupby([key, grp], dropna=False).sum().unstack(1, fill_value=0)
    g = g.reindex(columns=pd.MultiIndex.from_product([cols, range(ITEM_GROUPS)]), fill_value=0)
    arr = {c: g[c].to_numpy(dtype=float) for c in cols}
    tot = {c: arr[c].sum(axis=1) for c in cols}
    model, final = metric_value(metric, tot["m"], tot["den"]), metric_value(metric, tot["f"], tot["den"])
    ci = interval(metric, arr["den"], arr["m"], arr["f"], w)
    rows = []
    for i, k in enumerate(g.index):
        n, better, worse = int(tot["n"][i]), int(tot["better_m_f"][i]), int(tot["worse_m_f"][i])
        rows.append({"key": k, "n": n, "excluded": int(tot["lines"][i]) - n, "model": num(model[i]), "final": num(final[i]), "fva": num(fva(metric, model[i], final[i])), "ci": ci[i], "improved": better, "worsened": worse, "unchanged": n - better - worse})
    return rows


def compute(t, metric, w):
    df = line_frame(t, need_scale=METRICS[metric][1] == "n_scaled")
    tm = terms(df, metric)
    values = tm[COMPARISON]
    over = (df.dir != 0).to_numpy()
    vo, do = values[over], df.loc[over, ["planner", "reason", "grp", "dir", "size"]]
    slices = {
        "planner": comparison(metric, vo, do.planner, do.grp, w),
        "reason": comparison(metric, vo, do.reason, do.grp, w),
        "category": comparison(metric, values, df.category, df.grp, w),
        "lag": comparison(metric, values, df.lag, df.grp, w),
        "period": comparison(metric, values, df.period, df.grp, w),
    }
    cell = do.dir.astype(np.int64) * 10 + do["size"]
    cells = {r["key"]: r for r in comparison(metric, vo, cell, do.grp, w)}
    direction_size = []
    for direction, d in [("up", 1), ("down", -1)]:
        for bucket, label in enumerate(SIZE_LABELS):
            r = cells.get(d * 10 + bucket)
            direction_size.append({"direction": direction, "sizeBucket": bucket, "n": r["n"] if r else 0, "excluded": r["excluded"] if r else 0, "fva": r["fva"] if r else None, "ci": r["ci"] if r else None, "improvedShare": r["improved"] / r["n"] if r and r["n"] > 0 else None})
    return {"stairstep": stairstep(metric, df, tm, w), "slices": slices, "directionSize": direction_size}


def keyed(result):
    """Slice keys as fwb writes them: lag as text, period as an ISO date, no key as ''."""
    for by, rows in result["slices"].items():
        for r in rows:
            k = r["key"]
            if k is None or (isinstance(k, float) and np.isnan(k)):
                r["key"] = ""
            elif by == "period":
                k = int(k)
                r["key"] = f"{k // 10000:04d}-{k // 100 % 100:02d}-{k % 100:02d}"
            else:
                r["key"] = str(int(k)) if by == "lag" else str(k)
    return result


def main():
    path, weights_path, out_path, repeats, *metrics = sys.argv[1:]
    t = load(path)
    with open(weights_path) as fh:
        w = np.array(json.load(fh), dtype=float)
    seconds, results = {}, {}
    for metric in metrics:
        # Once, then `repeats` times more, as fwb's side is timed: the first run in a process also pays its memory's first use.
        times = []
        for _ in range(int(repeats) + 1):
            start = time.perf_counter()
            result = compute(t, metric, w)
            times.append(time.perf_counter() - start)
        seconds[metric] = {"first": times[0], "repeats": times[1:]}
        results[metric] = keyed(result)
    with open(out_path, "w") as fh:
        json.dump(results, fh)
    print(json.dumps({"seconds": seconds, "pandas": pd.__version__, "numpy": np.__version__, "lines": int(len(t["lines"]))}))


if __name__ == "__main__":
    main()
