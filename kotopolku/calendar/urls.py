from django.urls import path

from kotopolku.calendar import views

app_name = "calendar"
urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("new-address/", views.regenerate, name="regenerate"),
    path("feed/<slug:token>.ics", views.feed, name="feed"),
]
