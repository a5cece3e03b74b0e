"""CDISC in and out: SDTM TU + TR to the measurements contract (``recist sdtm-import``), and
SDTM RS, ADaM ADRS, ADTTE, ADTR and ADSL from the engine's results, with their define.xml 2.1
(``recist export``).

Python use::

    from recist.cdisc.datasets import read_dataset
    from recist.cdisc.dates import Imputation
    from recist.cdisc.sdtm_import import TR_COLUMNS, TU_COLUMNS, import_tumor_results

    rows = import_tumor_results(
        read_dataset(Path("tu.xpt"), TU_COLUMNS), read_dataset(Path("tr.xpt"), TR_COLUMNS),
        Imputation.LAST,
    )
    measurements = [row.measurement for row in rows]  # recist.assess(measurements)
"""
