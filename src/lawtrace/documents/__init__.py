"""执法文书: every record kind that is a document prints in the national layout, as PDF/A-2b (and DOCX for drafts)."""
