"""``recist report``: the statistical analysis of a randomized RECIST 1.1 trial.

For the ITT and per-protocol populations (``recist.report.populations``): disease control at
the landmark and objective response per arm with exact Clopper-Pearson intervals, their
difference between arms and the chi-square or Fisher test; best overall response per arm;
rPFS and PFS Kaplan-Meier estimates, number at risk and the stratified log-rank test; and the
figures (Kaplan-Meier with risk table, waterfall, spider and swimmer plots) in one
self-contained HTML file beside the CSV tables behind it. The analysis plan is pre-specified in a
protocol settings file (``recist.report.settings``): the primary test of disease control, a
Cochran-Mantel-Haenszel test stratified by the randomization factors by default, and the sample
size (``recist.report.primary``); sensitivity analyses (``recist.report.sensitivity``), the
subgroups of the forest plot (``recist.report.forest``) and the CONSORT flow
(``recist.report.flow``) complete it.

The statistics come from scipy and statsmodels, the figures from matplotlib: these
dependencies live here only, never in the engine (``recist.rules``).
"""
