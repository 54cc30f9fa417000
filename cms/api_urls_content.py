from django.urls import path

from . import api_content

urlpatterns = [
    path("pages/<slug:slug>/", api_content.PageDetailApi.as_view(), name="api-page"),
    path("posts/", api_content.PostListApi.as_view(), name="api-posts"),
    path("posts/<slug:slug>/", api_content.PostDetailApi.as_view(), name="api-post"),
]
