"""What leaves as files: dossiers, the training pack, drawings, exports, FtM."""
