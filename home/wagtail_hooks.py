from wagtail import hooks

from home.cache import mark_wagtail_page


@hooks.register("on_serve_page")
def mark_for_page_cache(next_serve):
    """Tell home.cache.PageCacheMiddleware that this response is a Wagtail page."""

    def serve(page, request, args, kwargs):
        mark_wagtail_page(request)
        return next_serve(page, request, args, kwargs)

    return serve
