from hienmau.core.lib.text import fold


class FoldedSearchMixin:
    """Admin search over folded name columns ("dak lak" finds "Đắk Lắk"): fold the query the same way."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))
