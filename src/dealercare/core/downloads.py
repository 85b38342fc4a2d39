"""Files handed out for download, by the pages and the API alike."""

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def as_attachment(response, file_name: str):
    """Have the browser save the response as ``file_name`` instead of showing it."""
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
