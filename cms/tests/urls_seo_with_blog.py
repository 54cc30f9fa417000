from .factories_seo import urlconf_with_blog

urlpatterns = urlconf_with_blog()
