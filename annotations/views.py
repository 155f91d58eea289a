from django.views.generic import TemplateView


class ArticleListView(TemplateView):
    template_name = "annotations/article_list.html"


class ArticleCreateView(TemplateView):
    template_name = "annotations/article_form.html"


class ArticleDetailView(TemplateView):
    template_name = "annotations/article_detail.html"
