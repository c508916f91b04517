"""Document generators of the sample applications, one module per document type."""
