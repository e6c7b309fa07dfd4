"""Pure psychometrics for Gongzhi surveys (numpy/scipy, no Django).

- :mod:`.items` — reverse scoring, missing-data rules, scale scores;
- :mod:`.reliability` — Cronbach's α with a Feldt interval, McDonald's ω (one factor,
  minimum-residual), corrected item–total correlations, α if item deleted;
- :mod:`.change` — before/after: paired t with d_z and Hedges' g_av, Wilcoxon signed-rank
  with the matched-pairs rank-biserial r;
- :mod:`.table` — reading a CSV of responses, reporting defects by line;
- :mod:`.cli` — ``gongzhi survey psychometrics``.
"""
