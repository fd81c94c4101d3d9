"""URLs of the SCIM service, mounted at /scim/v2/ (the resource endpoints of RFC 7644 §3.2)."""

from django.urls import path, re_path

from . import views

app_name = "scim"

urlpatterns = [
    path("", views.unknown, name="root"),
    path("ServiceProviderConfig", views.service_provider_config, name="service_provider_config"),
    path("ResourceTypes", views.resource_type_list, name="resource_types"),
    path("ResourceTypes/<str:key>", views.resource_type_detail, name="resource_type"),
    path("Schemas", views.schema_list, name="schemas"),
    path("Schemas/<str:key>", views.schema_detail, name="schema"),
    path("Users", views.users, name="users"),
    path("Users/.search", views.users_search, name="users_search"),
    path("Users/<str:key>", views.user_detail, name="user"),
    path("Groups", views.groups, name="groups"),
    path("Groups/.search", views.groups_search, name="groups_search"),
    path("Groups/<str:key>", views.group_detail, name="group"),
    path(".search", views.root_search, name="search"),
    re_path(r"^(Me|Bulk)(?:/.*)?$", views.not_implemented, name="not_implemented"),
    re_path(r"^(.*)$", views.unknown, name="unknown"),
]
