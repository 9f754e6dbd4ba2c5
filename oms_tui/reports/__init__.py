"""reportlab documents (pick lists, packing lists, labels, statements): pure functions from
data to PDF. Imported only when printing, never on the start-up path."""
