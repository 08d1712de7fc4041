import re

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class StrictPageNumberPagination(PageNumberPagination):
    """`?page=` must be a whole number when given (400 otherwise); one out of range is 404, as in DRF."""

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not re.fullmatch(r"-?[0-9]+", raw):
            raise ValidationError({self.page_query_param: ["a page is a whole number"]})
        return super().get_page_number(request, paginator)
