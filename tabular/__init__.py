"""Reading the spreadsheets officials send and writing safe exports. Plain Python: no Django."""
from .dates import DateError, PartialDate, parse_date_of_birth, parse_partial_date, parse_timestamp
from .errors import CellError, TableError
from .headers import FIELD_ALIASES, parse_mapping
from .reading import Row, Table, open_table
from .writing import neutralise_formula, write_csv, write_xlsx

__all__ = [
    "CellError", "DateError", "FIELD_ALIASES", "PartialDate", "Row", "Table", "TableError", "neutralise_formula",
    "open_table", "parse_date_of_birth", "parse_mapping", "parse_partial_date", "parse_timestamp", "write_csv",
    "write_xlsx",
]
