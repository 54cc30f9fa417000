"""Public, read-only content API: pages and blog posts, published ones only.

Bodies come twice: `body`, the Markdown source (for clients that render it themselves),
and `body_html`, the same sanitised HTML the site shows (cms.markdown)."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers

from config.api_filters import FilterBackend
from offers.api import CashbackSerializer, PublicApiMixin, _cashback
from offers.models import Merchant

from . import selectors_content as content
from .content_seo import cover_url
from .markdown import render_markdown
from .models import Page, Post

CONTENT_FIELDS = [
    "title",
    "slug",
    "excerpt",
    "body",
    "body_html",
    "seo_title",
    "seo_description",
    "canonical_url",
    "published_at",
    "updated_at",
]


class BodyHtmlMixin(serializers.Serializer):
    body_html = serializers.SerializerMethodField(
        help_text="The body as sanitised HTML: no scripts, event handlers, iframes or "
        "javascript:/data: URLs."
    )

    def get_body_html(self, row) -> str:
        return render_markdown(row.body)


class PageSerializer(BodyHtmlMixin, serializers.ModelSerializer):
    class Meta:
        model = Page
        fields = CONTENT_FIELDS


class PostMerchantSerializer(serializers.ModelSerializer):
    cashback = serializers.SerializerMethodField()

    class Meta:
        model = Merchant
        fields = ["slug", "name", "cashback"]

    @extend_schema_field(CashbackSerializer)
    def get_cashback(self, merchant) -> dict:
        return CashbackSerializer(_cashback(merchant)).data


class PostSerializer(BodyHtmlMixin, serializers.ModelSerializer):
    author = serializers.SerializerMethodField(help_text="The author's name (never an email).")
    categories = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    cover_image = serializers.SerializerMethodField(help_text="Absolute URL, or empty.")
    merchants = PostMerchantSerializer(
        source="live_merchants", many=True, read_only=True, help_text="Live stores only."
    )

    class Meta:
        model = Post
        fields = [*CONTENT_FIELDS, "author", "categories", "tags", "cover_image", "merchants"]

    def get_author(self, post) -> str:
        return content.author_name(post)

    def get_cover_image(self, post) -> str:
        return cover_url(post)


class PostFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="categories__slug", help_text="Category slug.")
    tag = django_filters.CharFilter(field_name="tags__slug", help_text="Tag slug.")

    class Meta:
        model = Post
        fields = ["category", "tag"]


class PageDetailApi(PublicApiMixin, generics.RetrieveAPIView):
    serializer_class = PageSerializer
    queryset = content.published_pages()
    lookup_field = "slug"

    @extend_schema(summary="A published page")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PostListApi(PublicApiMixin, generics.ListAPIView):
    serializer_class = PostSerializer
    queryset = content.published_posts()
    filterset_class = PostFilter
    filter_backends = [FilterBackend]  # newest first, always: no ?ordering=

    @extend_schema(summary="Published blog posts, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PostDetailApi(PublicApiMixin, generics.RetrieveAPIView):
    serializer_class = PostSerializer
    queryset = content.published_posts()
    lookup_field = "slug"

    @extend_schema(summary="A published blog post")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
