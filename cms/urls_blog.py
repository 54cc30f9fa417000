from django.urls import path

from . import views_blog

urlpatterns = [
    path("blog/", views_blog.blog, name="blog"),
    path("blog/category/<slug:slug>/", views_blog.category, name="blog-category"),
    path("blog/tag/<slug:slug>/", views_blog.tag, name="blog-tag"),
    path("blog/<slug:slug>/", views_blog.post, name="post"),
]
