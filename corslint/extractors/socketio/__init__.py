"""Socket.IO servers in Python (python-socketio, Flask-SocketIO) and their CORS options."""
