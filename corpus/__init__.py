"""Getting documents in: readers that turn uploaded bytes (PDF, DOCX, HTML, plain text) into text."""
