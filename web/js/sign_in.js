// The login form's DOM (index.html #login): shown before the Start button
// when the server has a login, and again when the client secret has expired
// or was refused, with a line saying why. It only collects the name and
// password and shows the outcome; app.js signs in through AuthFlow. The
// password field is emptied after every attempt.
export class SignInForm {
  constructor(doc) {
    const $ = (id) => doc.getElementById(id);
    this.el = {
      form: $('login'), user: $('login-user'), password: $('login-password'), submit: $('login-submit'),
      message: $('login-message'), error: $('login-error'),
    };
    this.onSubmit = null; // async (username, password) => void
    this.el.form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!this.onSubmit || this.el.submit.disabled) return;
      const username = this.el.user.value.trim();
      const password = this.el.password.value;
      if (!username || !password) return;
      this.busy(true);
      try {
        await this.onSubmit(username, password);
      } finally {
        this.el.password.value = '';
        this.busy(false);
      }
    });
  }

  get visible() {
    return !this.el.form.hidden;
  }

  // `message`: why the login is shown (empty the first time).
  show(message = '') {
    const { form, user, password } = this.el;
    this.setLine(this.el.message, message);
    this.setLine(this.el.error, '');
    form.hidden = false;
    (user.value ? password : user).focus();
  }

  hide() {
    this.el.form.hidden = true;
    this.setLine(this.el.message, '');
    this.setLine(this.el.error, '');
  }

  error(text) {
    this.setLine(this.el.error, text);
  }

  busy(on) {
    this.el.submit.disabled = on;
    this.el.submit.textContent = on ? 'Signing in…' : 'Sign in';
  }

  setLine(el, text) {
    el.textContent = text;
    el.hidden = !text;
  }
}
