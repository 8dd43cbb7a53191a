"""Login and logout with Django's auth views."""

from django.contrib.auth import views as auth_views

from crm.pages.forms import StaffAuthenticationForm

login_view = auth_views.LoginView.as_view(
    template_name="registration/login.html",
    authentication_form=StaffAuthenticationForm,
    redirect_authenticated_user=True,
)
logout_view = auth_views.LogoutView.as_view()
